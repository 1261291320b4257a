'use strict'
// Install step of the optional PocketSphinx addon. A failed build must never fail
// `npm ci`: the engine then reports itself unavailable with an install hint instead.
// configure + build (not rebuild) keeps an up-to-date binary in place: every `npm i`
// re-runs this script, and a clean rebuild would leave running services without the
// addon for a few seconds.
const { spawnSync } = require('node:child_process')

const gyp = process.env.npm_config_node_gyp
function nodeGyp(command) {
  const cmd = gyp ? process.execPath : 'node-gyp'
  const args = gyp ? [gyp, command] : [command]
  return spawnSync(cmd, args, { cwd: __dirname, stdio: 'inherit', shell: !gyp }).status === 0
}

if (!(nodeGyp('configure') && nodeGyp('build'))) {
  console.warn('[@voxlens/sphinx-native] build failed; the sphinx engine will be unavailable.')
  console.warn('  Fix: sudo apt-get install -y libpocketsphinx-dev pocketsphinx-en-us build-essential pkg-config')
  console.warn('  then: npm rebuild @voxlens/sphinx-native')
}
