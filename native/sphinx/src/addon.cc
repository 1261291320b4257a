#include <napi.h>
#include <sphinxbase/err.h>

#include <mutex>

#include "decoder.h"

namespace {

std::once_flag quiet_once;

// PocketSphinx logs every model load and utterance to stderr through one process-wide
// handle; switching it off once avoids workers racing on per-decoder -logfn files.
Napi::Value SetLogging(const Napi::CallbackInfo& info) {
  bool on = info.Length() > 0 && info[0].ToBoolean().Value();
  err_set_logfp(on ? stderr : nullptr);
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  std::call_once(quiet_once, [] { err_set_logfp(nullptr); });
  exports.Set("Decoder", Decoder::Define(env));
  exports.Set("setLogging", Napi::Function::New(env, SetLogging));
  return exports;
}

}  // namespace

NODE_API_MODULE(sphinx, Init)
