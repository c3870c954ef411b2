/*
 * peer-mog2-mot.cpp - the OpenCV peer (mog2_peer.hpp: MOG2 + 3x3 opening +
 * connected components) as an accuracy baseline on real video: one MOT
 * Challenge row per component per frame, for `watchline eval boxes`.
 *
 *   peer-mog2-mot VIDEO OUT.txt [--min-area N] [--max-per-frame N]
 *
 * Design: cv::VideoCapture with the FFmpeg backend decodes VIDEO; each
 * frame is made 8-bit grey (cv::cvtColor BGR->GRAY, as OpenCV's FFmpeg
 * backend hands out BGR), then the peer runs on it exactly as in the speed
 * bench. Every 8-connected component of at least --min-area pixels
 * (default 2) becomes a row
 *     frame,id,x,y,w,h,1,-1,-1,-1
 * with frame counted from 1 in decode order, (x, y) the top-left pixel of
 * the component's bounding box in 1-based coordinates (column + 1, row + 1,
 * the MATLAB convention of the Halmstad labels), w and h in pixels, conf 1.
 * The id is the component's number within its frame (1, 2, ... in OpenCV's
 * label order): the peer does no tracking, and the MOT reader needs ids
 * that are >= 0 and unique in a frame. A frame keeps at most
 * --max-per-frame components (default 1000, the MOT reader's per-frame
 * limit): the largest by area, ties in label order.
 *
 * Invariant: rows are written in frame order, ids 1..k in each frame.
 * Errors go to stderr with exit status 1 (the output may then be partial);
 * usage errors exit 2. A one-line summary goes to stderr on success.
 */
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <opencv2/core/utility.hpp>
#include <opencv2/videoio.hpp>

#include "mog2_peer.hpp"

namespace {

constexpr long kDefaultMinArea = 2;
constexpr long kDefaultMaxPerFrame = 1000;

struct Options {
  const char *video = nullptr;
  const char *out = nullptr;
  long min_area = kDefaultMinArea;
  long max_per_frame = kDefaultMaxPerFrame;
};

struct Component {
  int label, area, x, y, w, h;
};

/* A decimal integer in lo..hi, or -1. */
long parse_count(const char *s, long lo, long hi) {
  char *end = nullptr;
  errno = 0;
  long v = std::strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return -1;
  return v;
}

bool parse_options(int argc, char **argv, Options &o) {
  int positional = 0;
  for (int i = 1; i < argc; i++) {
    bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--min-area") == 0 && has_value) {
      if ((o.min_area = parse_count(argv[++i], 1, 1L << 30)) < 0) return false;
    } else if (std::strcmp(argv[i], "--max-per-frame") == 0 && has_value) {
      if ((o.max_per_frame = parse_count(argv[++i], 1, 1000000)) < 0)
        return false;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return false;
    } else if (positional == 0) {
      o.video = argv[i];
      positional++;
    } else if (positional == 1) {
      o.out = argv[i];
      positional++;
    } else {
      return false;
    }
  }
  return positional == 2;
}

/* The components of one frame that are kept, in label order. */
void select_components(const cv::Mat &stats, int n_labels,
                       const Options &o, std::vector<Component> &kept) {
  kept.clear();
  for (int label = 1; label < n_labels; label++) {
    const int *s = stats.ptr<int>(label);
    if (s[cv::CC_STAT_AREA] < o.min_area) continue;
    kept.push_back({label, s[cv::CC_STAT_AREA], s[cv::CC_STAT_LEFT],
                    s[cv::CC_STAT_TOP], s[cv::CC_STAT_WIDTH],
                    s[cv::CC_STAT_HEIGHT]});
  }
  if (kept.size() <= static_cast<size_t>(o.max_per_frame)) return;
  std::stable_sort(kept.begin(), kept.end(),
                   [](const Component &a, const Component &b) {
                     return a.area > b.area;
                   });
  kept.resize(static_cast<size_t>(o.max_per_frame));
  std::sort(kept.begin(), kept.end(),
            [](const Component &a, const Component &b) {
              return a.label < b.label;
            });
}

int run(const Options &o) {
  cv::VideoCapture cap(o.video, cv::CAP_FFMPEG);
  if (!cap.isOpened()) {
    std::fprintf(stderr, "peer-mog2-mot: %s: OpenCV's FFmpeg backend cannot "
                 "open it\n", o.video);
    return 1;
  }
  FILE *out = std::fopen(o.out, "w");
  if (!out) {
    std::fprintf(stderr, "peer-mog2-mot: %s: cannot open for writing: %s\n",
                 o.out, std::strerror(errno));
    return 1;
  }
  wl_peer::Mog2Peer peer;
  cv::Mat frame, grey;
  std::vector<Component> kept;
  long frames = 0, rows = 0, capped = 0;
  while (cap.read(frame) && !frame.empty()) {
    frames++;
    if (frame.depth() != CV_8U) {
      std::fprintf(stderr, "peer-mog2-mot: %s: frame %ld is not 8-bit\n",
                   o.video, frames);
      std::fclose(out);
      return 1;
    }
    if (frame.channels() == 3) cv::cvtColor(frame, grey, cv::COLOR_BGR2GRAY);
    else if (frame.channels() == 4) cv::cvtColor(frame, grey, cv::COLOR_BGRA2GRAY);
    else grey = frame;
    int n_labels = peer.process(grey);
    select_components(peer.stats(), n_labels, o, kept);
    if (n_labels - 1 > o.max_per_frame &&
        kept.size() == static_cast<size_t>(o.max_per_frame))
      capped++;
    for (size_t i = 0; i < kept.size(); i++) {
      const Component &c = kept[i];
      std::fprintf(out, "%ld,%zu,%d,%d,%d,%d,1,-1,-1,-1\n", frames, i + 1,
                   c.x + 1, c.y + 1, c.w, c.h);
    }
    rows += static_cast<long>(kept.size());
  }
  if (std::fclose(out) != 0) {
    std::fprintf(stderr, "peer-mog2-mot: %s: write failed: %s\n", o.out,
                 std::strerror(errno));
    return 1;
  }
  if (frames == 0) {
    std::fprintf(stderr, "peer-mog2-mot: %s: no frame could be decoded\n",
                 o.video);
    return 1;
  }
  std::fprintf(stderr, "peer-mog2-mot: %s: %ld frames, %ld rows, %ld frames "
               "capped at %ld components\n", o.video, frames, rows, capped,
               o.max_per_frame);
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: peer-mog2-mot VIDEO OUT.txt [--min-area N >= 1] "
                 "[--max-per-frame N >= 1]\n");
    return 2;
  }
  cv::setNumThreads(1);
  try {
    return run(o);
  } catch (const cv::Exception &e) {
    /* e.g. a frame whose size differs from the first one's. */
    std::fprintf(stderr, "peer-mog2-mot: %s: OpenCV error in %s: %s\n",
                 o.video, e.func.c_str(), e.err.c_str());
    return 1;
  }
}
