#!/bin/sh
# Rebuilds tend-chart-sans.otf: Noto Sans CJK SC Regular (SIL Open Font License 1.1, OFL.txt)
# subset to the characters charts draw (src/charts/font-chars.ts). Run after changing the chart
# labels; needs Debian's fonts-noto-cjk and python3-fonttools (a developer's machine only: the
# subset is committed, nothing is downloaded at install or run time).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${NOTO_CJK_TTC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
chars=$(cd "$here/../.." && npx tsx src/charts/font-chars.ts)
printf '%s' "$chars" > "$here/tend-chart-sans.chars.txt"
# Font number 2 in the collection is Simplified Chinese (SC).
/usr/bin/python3 -m fontTools.subset "$src" --font-number=2 --text-file="$here/tend-chart-sans.chars.txt" \
  --layout-features='*' --name-IDs='*' --no-hinting --desubroutinize \
  --output-file="$here/tend-chart-sans.otf"
ls -l "$here/tend-chart-sans.otf"
