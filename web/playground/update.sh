#!/bin/sh
# Re-downloads the pinned playground assets from the npm registry with
# `npm pack` and copies them into vendor/. Versions and SHA-256 sums are
# pinned so that a run reproduces the committed files byte for byte, and so
# that a tarball which changed upstream fails here instead of slipping in.
# To upgrade: change a version, run with UPDATE_SUMS=1, paste the printed
# sums below, bump the ?v= in index.html, and update vendor/README.md
# (its "Updating" section has the whole list).
set -eu

REACT_VERSION=18.3.1
REACT_DOM_VERSION=18.3.1
GRAPHIQL_VERSION=3.9.0

SUMS='d949f1c3687aedadcedac85261865f29b17cd273997e7f6b2bfc53b2f9d4c4dd  react.production.min.js
35f4f974f4b2bcd44da73963347f8952e341f83909e4498227d4e26b98f66f0d  react-dom.production.min.js
a330a2be1d2389486840a9d0a834767d9083a23f105879e0de54e4fce83d3513  graphiql.min.js
bdddd50aac5bdb0edd83e5c862ba2fed9db2964e4c75d4655ab62b0a7d5bd730  graphiql.min.css'

here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cd "$tmp"
npm pack --silent "react@$REACT_VERSION" "react-dom@$REACT_DOM_VERSION" "graphiql@$GRAPHIQL_VERSION" >/dev/null

# Every npm tarball unpacks into a top-level "package/" directory.
for p in "react-$REACT_VERSION" "react-dom-$REACT_DOM_VERSION" "graphiql-$GRAPHIQL_VERSION"; do
	mkdir "$p"
	tar -xzf "$p.tgz" -C "$p"
done

mkdir out
cp "react-$REACT_VERSION/package/umd/react.production.min.js" out/
cp "react-dom-$REACT_DOM_VERSION/package/umd/react-dom.production.min.js" out/
# graphiql.min.js/.min.css are the package's UMD build: identical copies of
# dist/index.umd.js and dist/style.css made by its prepublishOnly script.
cp "graphiql-$GRAPHIQL_VERSION/package/graphiql.min.js" out/
cp "graphiql-$GRAPHIQL_VERSION/package/graphiql.min.css" out/

cd out
if [ "${UPDATE_SUMS:-}" = 1 ]; then
	sha256sum react.production.min.js react-dom.production.min.js graphiql.min.js graphiql.min.css
else
	printf '%s\n' "$SUMS" | sha256sum -c --quiet -
fi

mkdir -p "$vendor"
cp react.production.min.js react-dom.production.min.js graphiql.min.js graphiql.min.css "$vendor/"
echo "vendor/ updated: react@$REACT_VERSION react-dom@$REACT_DOM_VERSION graphiql@$GRAPHIQL_VERSION"
