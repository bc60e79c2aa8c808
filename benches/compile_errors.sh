#!/usr/bin/env bash
# Counts the lines of compiler output a user sees for a builder missing two required
# fields (the token exchange with only `client_id` set), and prints that output.
#
#   bash benches/compile_errors.sh
#
# The probe is a scratch binary crate depending on this one by path; it shares this
# worktree's target directory (and Cargo.lock) so that dependencies are not rebuilt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/src"
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "probe"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
ssooidc-token = { path = "$root" }

[workspace]
TOML
cp "$root/Cargo.lock" "$dir/Cargo.lock"
cat > "$dir/src/main.rs" <<'RS'
use ssooidc_token::CreateTokenWithIam;

fn main() {
    let _request = CreateTokenWithIam::token_exchange()
        .client_id("arn:aws:sso::123456789012:application/ssoins-1/apl-2")
        .build();
}
RS
out=$(cd "$dir" && CARGO_TARGET_DIR="$root/target/compile-errors-probe" cargo build -q --offline 2>&1 || true)
printf '%s\n' "$out"
echo "---"
echo "lines of compiler output: $(printf '%s\n' "$out" | wc -l)"
