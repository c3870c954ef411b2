/*
 * peer-mog2-bench.cpp - speed of the OpenCV peer (mog2_peer.hpp: MOG2 +
 * 3x3 opening + connected components) on raw 8-bit frames, single thread.
 *
 *   peer-mog2-bench RAW WIDTH HEIGHT FRAMES REPEATS [--paced]
 *
 * RAW holds FRAMES grey frames of WIDTH x HEIGHT bytes each, back to back,
 * row-major, no header (bench-analytics writes it). The whole file is read
 * into memory before any timing. Each repeat makes a fresh peer (a new
 * MOG2 model, untimed) and runs it over all FRAMES frames in order, timed
 * by the wall clock (CLOCK_MONOTONIC), the calling thread's CPU time and
 * the process's CPU time (which would also count any thread OpenCV started
 * despite cv::setNumThreads(1)).
 *
 * --paced: after loading, print "ready" and run each repeat only when a
 * line arrives on stdin (EOF before the last repeat is an error). This lets
 * bench-analytics interleave the peer's repeats with its own, so that both
 * see the same load on a shared machine.
 *
 * Output on stdout, one "key value..." line each, parsed by bench-analytics:
 *   opencv VERSION
 *   ready                      (--paced only, once the frames are loaded)
 *   repeat R wall_s S thread_cpu_s S process_cpu_s S components N
 *   median_wall_fps F
 *   median_process_cpu_fps F
 *   median_thread_cpu_fps F
 *   best_process_cpu_fps F
 *   components_per_frame F     (labels other than the background, mean)
 * Errors go to stderr with exit status 1; usage errors exit 2.
 */
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include <opencv2/core/utility.hpp>

#include "mog2_peer.hpp"

namespace {

constexpr long kMaxDim = 16384;
constexpr long kMaxFrames = 100000;
constexpr long kMaxRepeats = 1000;
constexpr unsigned long long kMaxBytes = 8ULL << 30;

double clock_seconds(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A decimal integer in lo..hi, or -1. */
long parse_count(const char *s, long lo, long hi) {
  char *end = nullptr;
  errno = 0;
  long v = std::strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return -1;
  return v;
}

/* Read exactly `want` bytes of `path` into `out`; false with a message. */
bool read_exact(const char *path, unsigned long long want,
                std::vector<uint8_t> &out) {
  FILE *fp = std::fopen(path, "rb");
  if (!fp) {
    std::fprintf(stderr, "peer-mog2-bench: %s: cannot open: %s\n", path,
                 std::strerror(errno));
    return false;
  }
  bool ok = std::fseek(fp, 0, SEEK_END) == 0;
  long size = ok ? std::ftell(fp) : -1;
  if (size < 0 || static_cast<unsigned long long>(size) != want) {
    std::fprintf(stderr,
                 "peer-mog2-bench: %s: has %ld bytes but WIDTH x HEIGHT x "
                 "FRAMES is %llu\n", path, size, want);
    std::fclose(fp);
    return false;
  }
  std::rewind(fp);
  out.resize(static_cast<size_t>(want));
  size_t got = std::fread(out.data(), 1, out.size(), fp);
  std::fclose(fp);
  if (got != out.size()) {
    std::fprintf(stderr, "peer-mog2-bench: %s: short read at byte %zu\n",
                 path, got);
    return false;
  }
  return true;
}

struct RepeatTimes {
  double wall_s, thread_cpu_s, process_cpu_s;
  long components;
};

/* One repeat: a fresh peer over every frame, in order. */
RepeatTimes run_repeat(const std::vector<uint8_t> &pixels, int width,
                       int height, long frames) {
  wl_peer::Mog2Peer peer;
  const size_t frame_bytes = static_cast<size_t>(width) * height;
  RepeatTimes t{};
  double wall0 = clock_seconds(CLOCK_MONOTONIC);
  double thread0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
  double process0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  for (long i = 0; i < frames; i++) {
    /* A header over the loaded bytes: no copy, no allocation. */
    cv::Mat grey(height, width, CV_8UC1,
                 const_cast<uint8_t *>(pixels.data() + i * frame_bytes));
    t.components += peer.process(grey) - 1;
  }
  t.process_cpu_s = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - process0;
  t.thread_cpu_s = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - thread0;
  t.wall_s = clock_seconds(CLOCK_MONOTONIC) - wall0;
  return t;
}

}  // namespace

/* --paced: wait for one line on stdin; false at EOF. */
bool wait_for_go() {
  char line[64];
  return std::fgets(line, sizeof line, stdin) != nullptr;
}

int main(int argc, char **argv) {
  bool paced = argc == 7 && std::strcmp(argv[6], "--paced") == 0;
  if (argc != 6 && !paced) {
    std::fprintf(stderr, "usage: peer-mog2-bench RAW WIDTH HEIGHT FRAMES "
                 "REPEATS [--paced]\n");
    return 2;
  }
  long width = parse_count(argv[2], 1, kMaxDim);
  long height = parse_count(argv[3], 1, kMaxDim);
  long frames = parse_count(argv[4], 1, kMaxFrames);
  long repeats = parse_count(argv[5], 1, kMaxRepeats);
  if (width < 0 || height < 0 || frames < 0 || repeats < 0) {
    std::fprintf(stderr,
                 "peer-mog2-bench: WIDTH and HEIGHT must be 1..%ld, FRAMES "
                 "1..%ld and REPEATS 1..%ld\n", kMaxDim, kMaxFrames,
                 kMaxRepeats);
    return 2;
  }
  unsigned long long bytes =
      static_cast<unsigned long long>(width) * height * frames;
  if (bytes > kMaxBytes) {
    std::fprintf(stderr, "peer-mog2-bench: %llu bytes of frames is over the "
                 "%llu limit\n", bytes, kMaxBytes);
    return 1;
  }
  std::vector<uint8_t> pixels;
  if (!read_exact(argv[1], bytes, pixels)) return 1;

  cv::setNumThreads(1);
  std::printf("opencv %s\n", CV_VERSION);
  if (paced) std::printf("ready\n");
  std::fflush(stdout);
  std::vector<double> wall_fps, thread_fps, process_fps;
  long components = 0;
  for (long r = 0; r < repeats; r++) {
    if (paced && !wait_for_go()) {
      std::fprintf(stderr, "peer-mog2-bench: stdin closed before repeat "
                   "%ld of %ld\n", r + 1, repeats);
      return 1;
    }
    RepeatTimes t = run_repeat(pixels, static_cast<int>(width),
                               static_cast<int>(height), frames);
    std::printf("repeat %ld wall_s %.6f thread_cpu_s %.6f process_cpu_s %.6f "
                "components %ld\n", r + 1, t.wall_s, t.thread_cpu_s,
                t.process_cpu_s, t.components);
    std::fflush(stdout);
    wall_fps.push_back(static_cast<double>(frames) / t.wall_s);
    thread_fps.push_back(static_cast<double>(frames) / t.thread_cpu_s);
    process_fps.push_back(static_cast<double>(frames) / t.process_cpu_s);
    components += t.components;
  }
  std::printf("median_wall_fps %.3f\n", median(wall_fps));
  std::printf("median_process_cpu_fps %.3f\n", median(process_fps));
  std::printf("median_thread_cpu_fps %.3f\n", median(thread_fps));
  std::printf("best_process_cpu_fps %.3f\n",
              *std::max_element(process_fps.begin(), process_fps.end()));
  std::printf("components_per_frame %.3f\n",
              static_cast<double>(components) /
                  static_cast<double>(frames * repeats));
  return std::fflush(stdout) == 0 ? 0 : 1;
}
