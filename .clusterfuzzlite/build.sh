#!/bin/bash -eu
# Builds every target of fuzz/ with the sanitizer OSS-Fuzz asks for, and ships
# each with its committed seeds and the dictionary.
cd "$SRC/leadfuzz/fuzz"
cargo fuzz build -O --debug-assertions
for target in parse_request roundtrip oracle server_initialize; do
  cp "target/x86_64-unknown-linux-gnu/release/$target" "$OUT/"
  cp close.dict "$OUT/$target.dict"
  (cd "seeds/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
done
