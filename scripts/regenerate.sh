#!/bin/sh
# Refreshes the committed completion scripts (completions/) and man pages (man/) from the
# current clap definition. tests/generated.rs fails until this has been run after a CLI change.
set -eu
cd "$(dirname "$0")/.."
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
