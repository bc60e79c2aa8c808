#!/usr/bin/env bash
# Cold `cargo build --release` time and crate count of a program that depends on
# ssooidc-token, for the default features and each feature alone, next to one
# that depends on aws-sdk-ssooidc with its default features off. Each build uses
# an empty target directory (crates are fetched beforehand, so only compiling is
# timed). Writes benches/compile_times.md.
#
#   bash benches/compile_times.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$root/benches/compile_times.md"

features=$(sed -n '/^\[features\]/,/^\[/p' "$root/Cargo.toml" | grep -E '^[a-z0-9-]+ *=' | cut -d= -f1 | tr -d ' ' | grep -v '^default$' || true)

measure() { # name, dependency line
  local name=$1 dep=$2 dir="$work/$1"
  mkdir -p "$dir/src"
  printf '[package]\nname = "probe"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s\n\n[workspace]\n' "$dep" > "$dir/Cargo.toml"
  echo 'fn main() {}' > "$dir/src/main.rs"
  (cd "$dir" && cargo fetch -q)
  local crates start end
  # Every package in the build graph but the probe itself.
  crates=$(cd "$dir" && cargo tree -e normal,build --prefix none --no-dedupe | sed 's/ (\*)$//' | sort -u | grep -vc '^probe ')
  start=$(date +%s%N)
  (cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo build --release -q)
  end=$(date +%s%N)
  local tenths=$(( (end - start) / 100000000 ))
  printf '| %s | %s | %d.%d |\n' "$name" "$crates" $((tenths / 10)) $((tenths % 10)) >> "$out.tmp"
}

: > "$out.tmp"
measure "ssooidc-token (default features)" "ssooidc-token = { path = \"$root\" }"
for feature in $features; do
  measure "ssooidc-token, feature \`$feature\`" "ssooidc-token = { path = \"$root\", default-features = false, features = [\"$feature\"] }"
done
if [ -n "$features" ]; then
  all=$(echo $features | sed 's/ /", "/g')
  measure "ssooidc-token, all features" "ssooidc-token = { path = \"$root\", features = [\"$all\"] }"
fi
sdk=$(cd "$root" && cargo tree -e dev --depth 1 --prefix none | grep -m1 '^aws-sdk-ssooidc ' | cut -d' ' -f2 | tr -d v)
measure "aws-sdk-ssooidc $sdk (default features off)" "aws-sdk-ssooidc = { version = \"=$sdk\", default-features = false }"

{
  echo "| build | crates | cold \`cargo build --release\` (s) |"
  echo "|---|---|---|"
  cat "$out.tmp"
  echo
  echo "Measured on: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(rustc --version)."
  echo "Command: \`bash benches/compile_times.sh\`."
} > "$out"
rm -f "$out.tmp"
cat "$out"
