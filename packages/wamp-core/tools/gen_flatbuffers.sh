#!/bin/sh
# Regenerate wamp_core/_flatbuffers_gen/ from the WAMP-FlatBuffers schema in
# wamp_core/_flatbuffers_gen/schema/*.fbs. Needs flatc (Debian: flatbuffers-compiler).
#
# The generated modules are committed; run this only after editing the schema.
# Post-processing: imports point into wamp_core._flatbuffers_gen, numpy is never
# imported (the *AsNumpy accessors are unused), and mypy skips the files.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
gen="$here/../src/wamp_core/_flatbuffers_gen"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

flatc --version
flatc --python -o "$tmp" "$gen"/schema/*.fbs

rm -rf "$gen/wamp"
cp -r "$tmp/wamp" "$gen/wamp"

find "$gen/wamp" -name '*.py' | while read -r f; do
    sed -i \
        -e 's/^from flatbuffers\.compat import import_numpy$//' \
        -e 's/^np = import_numpy()$/np = None/' \
        -e 's/from wamp\.proto\./from wamp_core._flatbuffers_gen.wamp.proto./' \
        -e 's/from wamp\.Map /from wamp_core._flatbuffers_gen.wamp.Map /' \
        -e 's/from wamp\.Void /from wamp_core._flatbuffers_gen.wamp.Void /' \
        "$f"
    { echo '# mypy: ignore-errors'; cat "$f"; } > "$f.tmp" && mv "$f.tmp" "$f"
done

if grep -rn 'from wamp\.' "$gen/wamp"; then
    echo "unrewritten import left in generated code" >&2
    exit 1
fi
echo "generated into $gen/wamp"
