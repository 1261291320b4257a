#include "decoder.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

// Silence, sentence markers and fillers ([NOISE], ++BREATH++) carry no words.
bool IsFiller(const char* w) {
  return w[0] == '<' || w[0] == '[' || (w[0] == '+' && w[1] == '+');
}

// The dictionary marks alternate pronunciations as "word(2)"; callers want "word".
std::string BaseWord(const char* w) {
  std::string s(w);
  size_t paren = s.find('(');
  if (paren != std::string::npos && paren > 0 && s.back() == ')') s.resize(paren);
  return s;
}

// { word, start, end } of one segment of the best path; end is the frame after the word's last.
Napi::Object TimedWord(Napi::Env env, ps_seg_t* seg, const std::string& word) {
  int sf = 0, ef = 0;
  ps_seg_frames(seg, &sf, &ef);
  Napi::Object w = Napi::Object::New(env);
  w.Set("word", word);
  w.Set("start", sf);
  w.Set("end", ef + 1);
  return w;
}

// Digitally silent input (exact zeros) has no spectrum, which drags the cepstral mean far
// from real recordings. One LSB of triangular noise fixes that without audible change.
// Unlike PocketSphinx's -dither, the generator restarts with every utterance.
inline float Dither(uint32_t& state) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  uint32_t a = state & 0xFFFF, b = state >> 16;
  return (static_cast<float>(a) - static_cast<float>(b)) / 65536.0f;
}

constexpr uint32_t kDitherSeed = 0x9E3779B9u;

// The addon is built without C++ exceptions (binding.gyp): a failure becomes a pending JS
// exception and the method returns at once. A C++ exception thrown while a worker thread is
// being terminated cannot become a JS one, and std::terminate would end the whole process.
Napi::Value Fail(Napi::Env env, const char* message) {
  Napi::Error::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value FailType(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace

Napi::Function Decoder::Define(Napi::Env env) {
  return DefineClass(env, "Decoder",
                     {InstanceMethod("start", &Decoder::Start),
                      InstanceMethod("process", &Decoder::Process),
                      InstanceMethod("partial", &Decoder::Partial),
                      InstanceMethod("end", &Decoder::End),
                      InstanceMethod("close", &Decoder::Close),
                      InstanceMethod("cepstra", &Decoder::Cepstra),
                      InstanceMethod("adapt", &Decoder::Adapt),
                      InstanceMethod("useGrammar", &Decoder::UseGrammar),
                      InstanceMethod("usePhoneLoop", &Decoder::UsePhoneLoop),
                      InstanceMethod("addWord", &Decoder::AddWord),
                      InstanceMethod("segments", &Decoder::Segments)});
}

// new Decoder(args: string[]) where args is a flat PocketSphinx command line,
// e.g. ['-hmm', dir, '-lm', file, '-dict', file, '-beam', '1e-60'].
Decoder::Decoder(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Decoder>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) {
    Napi::TypeError::New(env, "Decoder expects an array of command-line arguments").ThrowAsJavaScriptException();
    return;
  }
  Napi::Array arr = info[0].As<Napi::Array>();
  std::vector<std::string> args;
  for (uint32_t i = 0; i < arr.Length(); i++) {
    args.push_back(arr.Get(i).ToString().Utf8Value());
  }
  if (env.IsExceptionPending()) return;
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("voxlens"));
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));

  config_ = cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), TRUE);
  if (config_ == nullptr) {
    Napi::Error::New(env, "PocketSphinx rejected the decoder arguments").ThrowAsJavaScriptException();
    return;
  }
  ps_ = ps_init(config_);
  if (ps_ == nullptr) {
    cmd_ln_free_r(config_);
    config_ = nullptr;
    Napi::Error::New(env, "PocketSphinx could not load the model (check hmm, lm and dict paths)").ThrowAsJavaScriptException();
    return;
  }
  feat_t* feat = ps_get_feat(ps_);
  cmn_type_ = feat->cmn;
  if (feat->cmn_struct != nullptr) {
    cmn_t* cmn = feat->cmn_struct;
    cmn_init_.assign(cmn->cmn_mean, cmn->cmn_mean + cmn->veclen);
  }
}

Decoder::~Decoder() {
  if (fe_ != nullptr) fe_free(fe_);
  if (ps_ != nullptr) ps_free(ps_);
  if (config_ != nullptr) cmd_ln_free_r(config_);
}

bool Decoder::RequireOpen(Napi::Env env) const {
  if (ps_ != nullptr) return true;
  Fail(env, "Decoder is closed");
  return false;
}

// start(cmnMean?: Float32Array)
// With a mean, a whole-utterance block is normalised by it instead of by its own mean, so
// the caller can pool evidence about the channel from the rest of the recording.
Napi::Value Decoder::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (in_utt_) ps_end_utt(ps_);
  // Each utterance is its own stream: this restarts frame numbering at zero and resets the
  // noise and silence trackers, so a result depends only on the audio of this utterance.
  ps_start_stream(ps_);
  feat_t* feat = ps_get_feat(ps_);
  cmn_t* cmn = feat->cmn_struct;
  if (cmn != nullptr) {
    const mfcc_t* mean = cmn_init_.data();
    if (info.Length() > 0 && info[0].IsTypedArray()) {
      Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
      if (ta.TypedArrayType() != napi_float32_array || ta.ElementLength() != static_cast<size_t>(cmn->veclen)) {
        return FailType(env, "start expects a Float32Array cepstral mean of the model's length");
      }
      mean = ta.As<Napi::Float32Array>().Data();
      feat->cmn = CMN_LIVE;
    } else {
      // Block-wise decoding switches the feature module to live CMN for good; put the
      // model's own scheme back so a stream never changes how later requests decode.
      feat->cmn = cmn_type_;
    }
    // The live mean starts from a known value every time instead of whatever the last
    // utterance on this decoder left behind.
    for (int32 i = 0; i < cmn->veclen; i++) {
      cmn->cmn_mean[i] = mean[i];
      cmn->sum[i] = 0;
    }
    cmn->nframe = 0;
  }
  rng_ = kDitherSeed;
  if (ps_start_utt(ps_) < 0) return Fail(env, "ps_start_utt failed");
  in_utt_ = true;
  return env.Undefined();
}

// Fills pcm_ with dithered 16-bit samples, continuing the dither sequence in `rng`.
bool Decoder::ConvertSamples(Napi::Env env, const Napi::Value& value, uint32_t& rng) {
  if (!value.IsTypedArray()) {
    FailType(env, "expected an Int16Array or Float32Array");
    return false;
  }
  Napi::TypedArray ta = value.As<Napi::TypedArray>();
  size_t n = ta.ElementLength();
  pcm_.resize(n);
  if (ta.TypedArrayType() == napi_int16_array) {
    const int16_t* in = ta.As<Napi::Int16Array>().Data();
    for (size_t i = 0; i < n; i++) {
      float v = static_cast<float>(in[i]) + Dither(rng);
      pcm_[i] = static_cast<int16_t>(std::max(-32768.0f, std::min(32767.0f, std::nearbyint(v))));
    }
  } else if (ta.TypedArrayType() == napi_float32_array) {
    const float* in = ta.As<Napi::Float32Array>().Data();
    for (size_t i = 0; i < n; i++) {
      float v = std::max(-1.0f, std::min(1.0f, in[i])) * 32767.0f + Dither(rng);
      pcm_[i] = static_cast<int16_t>(std::max(-32768.0f, std::min(32767.0f, std::nearbyint(v))));
    }
  } else {
    FailType(env, "expected an Int16Array or Float32Array");
    return false;
  }
  return !env.IsExceptionPending();
}

// cepstra(samples: Int16Array | Float32Array): Float32Array of frames x 13, the cepstra
// before normalisation, from the same front-end settings and dither the decoder uses.
Napi::Value Decoder::Cepstra(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (info.Length() < 1) return FailType(env, "cepstra expects samples");
  if (fe_ == nullptr) {
    fe_ = fe_init_auto_r(config_);
    if (fe_ == nullptr) return Fail(env, "could not create a front end");
  }
  uint32_t rng = kDitherSeed;
  if (!ConvertSamples(env, info[0], rng)) return env.Undefined();
  int ceplen = fe_get_output_size(fe_);
  fe_start_stream(fe_);
  fe_start_utt(fe_);
  const int16* data = pcm_.data();
  size_t left = pcm_.size();
  int32 max_frames = 0;
  fe_process_frames(fe_, nullptr, &left, nullptr, &max_frames, nullptr);
  max_frames += 1;  // room for the frame fe_end_utt flushes
  std::vector<mfcc_t> store(static_cast<size_t>(max_frames) * ceplen);
  std::vector<mfcc_t*> rows(max_frames);
  for (int32 i = 0; i < max_frames; i++) rows[i] = store.data() + static_cast<size_t>(i) * ceplen;
  int32 total = max_frames - 1;
  if (fe_process_frames(fe_, &data, &left, rows.data(), &total, nullptr) < 0) {
    return Fail(env, "fe_process_frames failed");
  }
  int32 last = 0;
  fe_end_utt(fe_, rows[total], &last);
  total += last;
  size_t count = static_cast<size_t>(total) * ceplen;
  Napi::Float32Array out = Napi::Float32Array::New(env, count);
  if (env.IsExceptionPending()) return env.Undefined();
  std::copy(store.begin(), store.begin() + count, out.Data());
  return out;
}

// PocketSphinx can only swap one transform for another (each swap reloads the model's means
// and applies it), so going back to the model as trained means applying the identity.
static ps_mllr_t* IdentityMllr(int32 streams, const int32* featlen) {
  char path[] = "/tmp/voxlens-mllr-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return nullptr;
  FILE* f = fdopen(fd, "w");
  if (f == nullptr) {
    close(fd);
    unlink(path);
    return nullptr;
  }
  std::fprintf(f, "1\n%d\n", streams);
  for (int32 s = 0; s < streams; s++) {
    int32 n = featlen[s];
    std::fprintf(f, "%d\n", n);
    for (int32 i = 0; i < n; i++) {
      for (int32 j = 0; j < n; j++) std::fprintf(f, "%s ", i == j ? "1.0" : "0.0");
      std::fprintf(f, "\n");
    }
    for (int32 i = 0; i < n; i++) std::fprintf(f, "0.0 ");
    std::fprintf(f, "\n");
    for (int32 i = 0; i < n; i++) std::fprintf(f, "1.0 ");
    std::fprintf(f, "\n");
  }
  std::fclose(f);
  ps_mllr_t* mllr = ps_mllr_read(path);
  unlink(path);
  return mllr;
}

// adapt(mllrPath?: string): applies a model-space MLLR transform (sphinxtrain's mllr_solve
// output) to the acoustic model; without a path, puts the model back as it was trained.
Napi::Value Decoder::Adapt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (in_utt_) return Fail(env, "adapt() called inside an utterance");
  ps_mllr_t* mllr = nullptr;
  if (info.Length() > 0 && info[0].IsString()) {
    std::string path = info[0].As<Napi::String>().Utf8Value();
    mllr = ps_mllr_read(path.c_str());
    if (mllr == nullptr) return Fail(env, "could not read the MLLR transform");
  } else {
    feat_t* feat = ps_get_feat(ps_);
    std::vector<int32> featlen(feat_dimension1(feat));
    for (size_t s = 0; s < featlen.size(); s++) featlen[s] = feat_dimension2(feat, s);
    mllr = IdentityMllr(static_cast<int32>(featlen.size()), featlen.data());
    if (mllr == nullptr) return Fail(env, "could not build the identity transform");
  }
  if (ps_update_mllr(ps_, mllr) == nullptr) return Fail(env, "PocketSphinx rejected the MLLR transform");
  return env.Undefined();
}

// process(samples: Int16Array | Float32Array, fullUtt = false): string  (partial hypothesis)
// fullUtt tells PocketSphinx the block is the whole utterance, which lets it normalise
// cepstra over the utterance (or by the mean given to start()) instead of a running estimate.
Napi::Value Decoder::Process(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (!in_utt_) return Fail(env, "process() called before start()");
  bool full_utt = info.Length() > 1 && info[1].ToBoolean().Value();
  if (!ConvertSamples(env, info[0], rng_)) return env.Undefined();
  size_t n = pcm_.size();
  const int16_t* data = pcm_.data();
  if (n > 0 && ps_process_raw(ps_, data, n, FALSE, full_utt ? TRUE : FALSE) < 0) {
    return Fail(env, "ps_process_raw failed");
  }
  const char* hyp = ps_get_hyp(ps_, nullptr);
  return Napi::String::New(env, hyp != nullptr ? hyp : "");
}

// partial(): [{ word, start, end }] of the current hypothesis, frame indices relative to start(). There
// are no posteriors before the utterance ends, so no confidences; walking the best path's backpointers
// costs little next to the search, and callers ask only when the hypothesis text changed.
Napi::Value Decoder::Partial(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (!in_utt_) return Fail(env, "partial() called outside an utterance");
  Napi::Array words = Napi::Array::New(env);
  if (ps_get_hyp(ps_, nullptr) == nullptr) return words;
  uint32_t count = 0;
  for (ps_seg_t* seg = ps_seg_iter(ps_); seg != nullptr; seg = ps_seg_next(seg)) {
    const char* raw = ps_seg_word(seg);
    if (raw == nullptr || IsFiller(raw)) continue;
    words.Set(count++, TimedWord(env, seg, BaseWord(raw)));
  }
  return words;
}

// end(): { text, frames, words: [{ word, start, end, confidence }] } with frame indices
// relative to start() at 100 frames per second.
Napi::Value Decoder::End(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (!in_utt_) return Fail(env, "end() called before start()");
  in_utt_ = false;
  if (ps_end_utt(ps_) < 0) return Fail(env, "ps_end_utt failed");
  return Result(env);
}

Napi::Value Decoder::Result(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Array words = Napi::Array::New(env);
  std::string text;
  int32 score = 0;
  // ps_get_hyp must run first: for the n-gram search it builds the lattice and
  // posteriors that ps_seg_prob reads.
  ps_get_hyp(ps_, &score);
  logmath_t* lmath = ps_get_logmath(ps_);
  uint32_t count = 0;
  for (ps_seg_t* seg = ps_seg_iter(ps_); seg != nullptr; seg = ps_seg_next(seg)) {
    const char* raw = ps_seg_word(seg);
    if (raw == nullptr || IsFiller(raw)) continue;
    int32 ascr = 0, lscr = 0, lback = 0;
    int32 post = ps_seg_prob(seg, &ascr, &lscr, &lback);
    double conf = std::min(1.0, std::max(0.0, logmath_exp(lmath, post)));
    std::string word = BaseWord(raw);
    Napi::Object w = TimedWord(env, seg, word);
    w.Set("confidence", conf);
    words.Set(count++, w);
    if (!text.empty()) text += ' ';
    text += word;
  }
  out.Set("text", text);
  out.Set("words", words);
  out.Set("frames", ps_get_n_frames(ps_));
  // A failed call above (the thread is being terminated) left an exception pending: return nothing.
  if (env.IsExceptionPending()) return env.Undefined();
  return out;
}

Napi::Value Decoder::Close(const Napi::CallbackInfo& info) {
  if (fe_ != nullptr) {
    fe_free(fe_);
    fe_ = nullptr;
  }
  if (ps_ != nullptr) {
    if (in_utt_) ps_end_utt(ps_);
    ps_free(ps_);
    ps_ = nullptr;
  }
  if (config_ != nullptr) {
    cmd_ln_free_r(config_);
    config_ = nullptr;
  }
  in_utt_ = false;
  return info.Env().Undefined();
}
