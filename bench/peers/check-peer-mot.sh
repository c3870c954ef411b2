#!/bin/sh
# check-peer-mot.sh - ctest bench_peer_mot_eval: the OpenCV peer's MOT rows
# on one real Halmstad clip are read and scored by `watchline eval boxes`.
# Not a timing and not an accuracy floor: it checks that the peer decodes
# real video, finds components, and writes rows the MOT reader accepts.
#   check-peer-mot.sh PEER_MOG2_MOT WATCHLINE SHARED_DIR
# SHARED_DIR is overridden by $WATCHLINE_SHARED; exit 77 (skip) when the
# Halmstad data is absent.
set -eu
peer=$1 watchline=$2 shared=${WATCHLINE_SHARED:-$3}
clip=IR_AIRPLANE_003
video=$shared/data/halmstad-ir/videos/$clip.mp4
labels=$shared/data/halmstad-ir/labels/$clip.csv
if [ ! -f "$video" ] || [ ! -f "$labels" ]; then
  echo "skip: $video or $labels is absent"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wl-peer-mot-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$peer" "$video" "$tmp/pred.txt"
rows=$(wc -l < "$tmp/pred.txt")
if [ "$rows" -eq 0 ]; then
  echo "FAIL: the peer wrote no rows for $clip" >&2
  exit 1
fi
"$watchline" eval boxes "$labels" "$tmp/pred.txt" > "$tmp/score.txt"
cat "$tmp/score.txt"
predictions=$(sed -n 's/^predictions //p' "$tmp/score.txt")
if [ "$predictions" != "$rows" ]; then
  echo "FAIL: eval boxes read $predictions predictions, the peer wrote $rows" >&2
  exit 1
fi
