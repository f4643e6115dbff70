#!/bin/sh
# Prisma's CLI wants its native schema engine before it will run `generate`, even though generation
# never calls it. This stand-in lets `prisma generate` work offline; migrations use the WASM engine.
echo "the native schema engine is not installed; use npm run db:migrate or npm run db:diff" >&2
exit 1
