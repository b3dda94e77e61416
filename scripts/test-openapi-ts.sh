#!/usr/bin/env bash
# Generates TypeScript types from kairo-server's OpenAPI document with openapi-typescript and type-checks a client
# written like the KAIRO Node backend's calls (kairo-server/clients/typescript/client.ts) against them: a response
# typed `unknown`, or a field the client reads that the document lost, fails it. Installs the npm dev dependencies
# (openapi-typescript, typescript) from the npm registry when they are missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kairo/target}"
cargo build --quiet -p kairo-server
cd kairo-server/clients/typescript
stamp="node_modules/.kairo-lock.sha"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
fi
"$CARGO_TARGET_DIR/debug/kairo-server" openapi > openapi.json
npx --no-install openapi-typescript openapi.json -o api.d.ts --silent
npx --no-install tsc --noEmit -p tsconfig.json
echo "the OpenAPI document's TypeScript types check the client (kairo-server/clients/typescript/client.ts)"
