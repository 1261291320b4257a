'use strict'
// Loads the compiled addon. binding.gyp builds nothing when libpocketsphinx-dev is
// absent, so a missing file here means "not installed", not "broken".
const path = require('node:path')

module.exports = require(path.join(__dirname, 'build', 'Release', 'sphinx.node'))
