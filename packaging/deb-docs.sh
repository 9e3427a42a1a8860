#!/bin/sh
# Prepares a Debian package's documentation files for jdeb: puts the package version (as jdeb
# writes it in the control file: 0.1.0-SNAPSHOT -> 0.1.0~snapshot) in place of @DEB_VERSION@ and
# compresses each file with gzip -9n (maximum compression, no name or time stamp: what Debian
# policy 12.3/12.7 and lintian ask of manual pages and changelogs).
# Usage: deb-docs.sh OUT_DIR MAVEN_VERSION FILE...
set -eu
out=$1
version=$(printf '%s' "$2" | sed 's/-SNAPSHOT$/~SNAPSHOT/' | tr '[:upper:]' '[:lower:]')
shift 2
mkdir -p "$out"
for f in "$@"; do
    name=$(basename "$f")
    sed "s/@DEB_VERSION@/$version/g" "$f" > "$out/$name"
    gzip -9nf "$out/$name"
done
