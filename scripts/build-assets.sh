#!/usr/bin/env bash
# Build the front-end assets into webapp/static/ (generated, not committed):
#   webapp/static/app.css                           from webapp/assets/app.scss (Sass, compressed)
#   webapp/static/govuk/govuk-frontend.min.js       GOV.UK Frontend's JavaScript (an ES module)
#   webapp/static/govuk/assets/images/              GOV.UK Frontend's generic images, if any
#
# Idempotent and quick: npm packages are installed only when node_modules is missing or older
# than package-lock.json, and each output is rebuilt only when an input is newer than it.
# GOV.UK's own brand files (fonts, crown, crest, favicons, app icons) are never copied: they
# belong to GOV.UK only.
set -euo pipefail

cd "$(dirname "$0")/.."

GOVUK=node_modules/govuk-frontend/dist/govuk
STATIC=webapp/static
CSS_OUT=$STATIC/app.css
JS_OUT=$STATIC/govuk/govuk-frontend.min.js
IMAGES_OUT=$STATIC/govuk/assets/images
STAMP=node_modules/.installed

# True when $1 is missing or any later argument (file or folder, searched) is newer than it.
stale() {
    local target=$1
    shift
    [[ -e $target ]] || return 0
    [[ -n $(find "$@" -newer "$target" -print -quit 2>/dev/null) ]]
}

# 1. npm packages
if ! command -v npm >/dev/null; then
    echo "build-assets: npm is needed (install Node.js 20 or later)" >&2
    exit 1
fi
if [[ -f package-lock.json ]]; then
    if stale "$STAMP" package-lock.json package.json; then
        echo "build-assets: npm ci"
        npm ci --no-audit --no-fund --loglevel=error
        touch "$STAMP"
    fi
elif [[ ! -d node_modules ]]; then
    echo "build-assets: npm install"
    npm install --no-audit --no-fund --loglevel=error
    touch "$STAMP"
fi

# 2. Styles
mkdir -p "$STATIC/govuk"
if stale "$CSS_OUT" webapp/assets "$GOVUK" "$STAMP"; then
    echo "build-assets: sass -> $CSS_OUT"
    node_modules/.bin/sass --pkg-importer=node --style=compressed --no-source-map \
        --quiet-deps webapp/assets/app.scss "$CSS_OUT.tmp"
    mv "$CSS_OUT.tmp" "$CSS_OUT"
    if grep -q "GDS Transport" "$CSS_OUT"; then
        echo "build-assets: $CSS_OUT names GDS Transport, which is GOV.UK's only" >&2
        exit 1
    fi
fi

# 3. GOV.UK Frontend's JavaScript
if stale "$JS_OUT" "$GOVUK/govuk-frontend.min.js" "$STAMP"; then
    echo "build-assets: copy $JS_OUT"
    cp "$GOVUK/govuk-frontend.min.js" "$JS_OUT"
fi

# 4. Images: everything but GOV.UK's brand (in 6.3.0 that leaves none; the folder stays for later)
if stale "$IMAGES_OUT" "$GOVUK/assets/images" "$STAMP"; then
    echo "build-assets: copy images -> $IMAGES_OUT"
    rm -rf "$IMAGES_OUT"
    mkdir -p "$IMAGES_OUT"
    find "$GOVUK/assets/images" -maxdepth 1 -type f \
        ! -name 'govuk-*' ! -name 'favicon*' -exec cp {} "$IMAGES_OUT/" \;
    touch "$IMAGES_OUT"
fi
