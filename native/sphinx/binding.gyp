{
  # The addon is optional: when libpocketsphinx-dev is missing we still "build" (a target
  # with no sources) so that `npm ci` succeeds and the engine reports itself unavailable.
  'variables': {
    'has_pocketsphinx%': '<!(pkg-config --exists pocketsphinx 2>/dev/null && echo 1 || echo 0)'
  },
  'targets': [
    {
      'target_name': 'sphinx',
      'conditions': [
        ['has_pocketsphinx==1', {
          'sources': ['src/addon.cc', 'src/decoder.cc', 'src/decoder_search.cc'],
          'include_dirs': [
            "<!@(node -p \"require('node-addon-api').include\")",
            "<!@(pkg-config --cflags-only-I pocketsphinx | sed 's/-I//g')"
          ],
          'libraries': ["<!@(pkg-config --libs pocketsphinx)"],
          # No C++ exceptions: a Napi::Error thrown while a worker thread is being terminated
          # cannot become a JS exception and std::terminate aborts the process. Failures are
          # pending JS exceptions instead, and the one that cannot be thrown (the thread is
          # going away) is dropped rather than made fatal.
          'defines': ['NAPI_VERSION=8', 'NAPI_DISABLE_CPP_EXCEPTIONS', 'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS'],
          'cflags_cc': ['-std=c++17', '-O2']
        }, {
          'type': 'none'
        }]
      ]
    }
  ]
}
