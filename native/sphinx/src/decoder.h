#pragma once

#include <napi.h>
#include <pocketsphinx.h>
#include <sphinxbase/fe.h>
#include <sphinxbase/feat.h>

#include <cstdint>
#include <vector>

// One PocketSphinx decoder: the model is loaded once in the constructor and reused for
// every utterance, which is what makes in-process decoding cheaper than the CLI.
class Decoder : public Napi::ObjectWrap<Decoder> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Decoder(const Napi::CallbackInfo& info);
  ~Decoder() override;

 private:
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Process(const Napi::CallbackInfo& info);
  Napi::Value Partial(const Napi::CallbackInfo& info);
  Napi::Value End(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Cepstra(const Napi::CallbackInfo& info);
  Napi::Value Adapt(const Napi::CallbackInfo& info);
  // Pronunciation scoring (decoder_search.cc)
  Napi::Value UseGrammar(const Napi::CallbackInfo& info);
  Napi::Value UsePhoneLoop(const Napi::CallbackInfo& info);
  Napi::Value AddWord(const Napi::CallbackInfo& info);
  Napi::Value Segments(const Napi::CallbackInfo& info);

  // Each returns false with a JS exception pending; the addon never throws C++ exceptions.
  bool RequireOpen(Napi::Env env) const;
  Napi::Value Result(Napi::Env env);
  bool ConvertSamples(Napi::Env env, const Napi::Value& value, uint32_t& rng);

  ps_decoder_t* ps_ = nullptr;
  cmd_ln_t* config_ = nullptr;
  bool in_utt_ = false;
  std::vector<int16_t> pcm_;  // reused conversion buffer
  uint32_t rng_ = 1;          // dither state, reset by start() so results never depend on earlier utterances
  fe_t* fe_ = nullptr;        // a front end of our own for cepstra, so the decoder's stays untouched
  cmn_type_t cmn_type_ = CMN_BATCH;  // the model's CMN scheme, restored when no mean is given
  std::vector<mfcc_t> cmn_init_;     // the model's -cmninit, the live mean a stream starts from
};
