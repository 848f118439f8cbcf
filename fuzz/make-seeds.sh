#!/usr/bin/env bash
# Writes the committed seed corpus: small bodies from `leadfuzz gen`, every
# profile and class, plus the official example. Run from the repository root.
set -euo pipefail
bin=${LEADFUZZ:-target/release/leadfuzz}
for target in parse_request server_initialize roundtrip oracle; do
  dir=fuzz/seeds/$target
  rm -rf "$dir" && mkdir -p "$dir"
  cp tests/integration/data/official-example.json "$dir/official-example.json"
  for profile in realistic edge mixed; do
    for class in valid invalid ambiguous; do
      for seed in 1 2; do
        "$bin" gen --count 2 --seed "$seed" --base-date 2026-01-05 --profile "$profile" --class "$class" \
          > "$dir/$profile-$class-$seed.json" 2>/dev/null
      done
    done
  done
  for body in '' 'null' '{}' '{"leads":null}' '{"leads":[]}'; do
    printf '%s' "$body" > "$dir/literal-$(printf '%s' "$body" | cksum | cut -d' ' -f1)"
  done
done
