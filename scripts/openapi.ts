import { writeFileSync } from 'node:fs'
import { generateOpenApi } from '../src/openapi.js'

// Regenerates openapi/openapi.json and openapi/schema.ts from the route schemas.
const { json, types } = await generateOpenApi()
writeFileSync(new URL('../openapi/openapi.json', import.meta.url), json)
writeFileSync(new URL('../openapi/schema.ts', import.meta.url), types)
console.log('wrote openapi/openapi.json and openapi/schema.ts')
process.exit(0)
