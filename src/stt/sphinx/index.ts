export { createSphinxEngine, type SphinxEngineOptions } from './engine.js'
