// Decoder methods for pronunciation scoring: switching the search to a grammar (forced
// alignment) or a free phone loop, adding words, and every segment with its acoustic score.
#include <cstring>
#include <string>

#include "decoder.h"

namespace {

Napi::Value Fail(Napi::Env env, const char* message) {
  Napi::Error::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

constexpr const char* kGrammarNames[2] = {"voxlens_grammar_a", "voxlens_grammar_b"};
constexpr const char* kPhoneLoopName = "voxlens_phone_loop";
// The loop is the yardstick of goodness of pronunciation: what the audio sounds like, so the phone
// language model only nudges it. Measured with scripts/pronunciation-eval.ts on the dev split
// (word-level AUC, altered pronunciations): weight 6.5 (the default) 0.73, 3 0.76, 1 0.79, 0.3 0.79.
constexpr double kPhoneLoopLanguageWeight = 0.3;

}  // namespace

// useGrammar(jsgf: string): decodes the next utterances against this JSGF grammar.
// Replacing the search that is running would free it under the decoder, so a new grammar
// goes under whichever of two names is not the active one.
Napi::Value Decoder::UseGrammar(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (in_utt_) return Fail(env, "useGrammar() called inside an utterance");
  if (info.Length() < 1 || !info[0].IsString()) return Fail(env, "useGrammar expects a JSGF string");
  std::string jsgf = info[0].As<Napi::String>().Utf8Value();
  const char* active = ps_get_search(ps_);
  const char* name = (active != nullptr && std::strcmp(active, kGrammarNames[0]) == 0) ? kGrammarNames[1] : kGrammarNames[0];
  if (ps_set_jsgf_string(ps_, name, jsgf.c_str()) < 0) return Fail(env, "PocketSphinx rejected the grammar");
  if (ps_set_search(ps_, name) < 0) return Fail(env, "could not switch to the grammar");
  return env.Undefined();
}

// usePhoneLoop(lmPath: string): decodes the next utterances as a free loop of phones
// weighted lightly by a phone language model (the model's en-us-phone.lm.bin). The loop is built once,
// with the first path given, and kept for every later call. It loops over context-independent
// phones: over every triphone of the model it took 30 s to decode one second of audio, over the
// 40 plain phones 0.2 s.
Napi::Value Decoder::UsePhoneLoop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (in_utt_) return Fail(env, "usePhoneLoop() called inside an utterance");
  if (info.Length() < 1 || !info[0].IsString()) return Fail(env, "usePhoneLoop expects a phone language model path");
  if (ps_set_search(ps_, kPhoneLoopName) == 0) return env.Undefined();
  std::string path = info[0].As<Napi::String>().Utf8Value();
  cmd_ln_set_boolean_r(config_, "-allphone_ci", TRUE);
  double lw = cmd_ln_float32_r(config_, "-lw");
  cmd_ln_set_float32_r(config_, "-lw", kPhoneLoopLanguageWeight);
  int built = ps_set_allphone_file(ps_, kPhoneLoopName, path.c_str());
  cmd_ln_set_boolean_r(config_, "-allphone_ci", FALSE);
  cmd_ln_set_float32_r(config_, "-lw", lw);
  if (built < 0) return Fail(env, "could not load the phone language model");
  if (ps_set_search(ps_, kPhoneLoopName) < 0) return Fail(env, "could not switch to the phone loop");
  return env.Undefined();
}

// addWord(word: string, phones: string): adds a pronunciation to the dictionary; false when
// the word was already there.
Napi::Value Decoder::AddWord(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (in_utt_) return Fail(env, "addWord() called inside an utterance");
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) return Fail(env, "addWord expects a word and its phones");
  std::string word = info[0].As<Napi::String>().Utf8Value();
  std::string phones = info[1].As<Napi::String>().Utf8Value();
  return Napi::Boolean::New(env, ps_add_word(ps_, word.c_str(), phones.c_str(), FALSE) >= 0);
}

// segments(): after end(), every segment of the best path, silences and fillers included,
// as { word, start, end, ascr, lscr }: frames at 100 per second (end exclusive) and scores
// in the model's log base, which scoring compares only with each other.
Napi::Value Decoder::Segments(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (in_utt_) return Fail(env, "segments() called inside an utterance");
  Napi::Array out = Napi::Array::New(env);
  int32 score = 0;
  if (ps_get_hyp(ps_, &score) == nullptr) return out;
  uint32_t count = 0;
  for (ps_seg_t* seg = ps_seg_iter(ps_); seg != nullptr; seg = ps_seg_next(seg)) {
    const char* raw = ps_seg_word(seg);
    int sf = 0, ef = 0;
    ps_seg_frames(seg, &sf, &ef);
    int32 ascr = 0, lscr = 0, lback = 0;
    ps_seg_prob(seg, &ascr, &lscr, &lback);
    Napi::Object s = Napi::Object::New(env);
    s.Set("word", raw != nullptr ? raw : "");
    s.Set("start", sf);
    s.Set("end", ef + 1);
    s.Set("ascr", ascr);
    s.Set("lscr", lscr);
    out.Set(count++, s);
  }
  if (env.IsExceptionPending()) return env.Undefined();
  return out;
}
