#!/bin/sh
# Regenerates everything generated, from the vendored inputs in spec/ and the clap definition:
# the route table (crates/protocol/src/endpoints/table.rs, from spec/openapi.json and spec/policy.toml), then
# the completion scripts (completions/) and man pages (man/) of the binary built from it.
# tests/generated.rs fails until this has been run after a change to any of them.
set -eu
cd "$(dirname "$0")/.."
python3 tools/gen_endpoints.py spec > crates/protocol/src/endpoints/table.rs.new
mv crates/protocol/src/endpoints/table.rs.new crates/protocol/src/endpoints/table.rs
cargo build --quiet
bin=target/debug/discord
mkdir -p completions
"$bin" completions bash > completions/discord.bash
"$bin" completions zsh > completions/_discord
"$bin" completions fish > completions/discord.fish
"$bin" completions elvish > completions/discord.elv
"$bin" completions powershell > completions/_discord.ps1
rm -rf man
"$bin" man man
