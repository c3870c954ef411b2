/*
 * mog2_peer.hpp - the OpenCV peer of watchline's analytics pipeline, as the
 * issue names it: cv::BackgroundSubtractorMOG2 + a 3x3 morphological
 * opening + cv::connectedComponentsWithStats, on 8-bit grey frames.
 *
 * Shared by peer-mog2-bench (speed, raw frames) and peer-mog2-mot (accuracy
 * baseline on real video), so both run exactly the same steps with the
 * same parameters:
 *   - MOG2: history 500, varThreshold 16, detectShadows false, learning
 *     rate -1 (OpenCV's automatic 1 / min(frames seen, history));
 *   - opening: cv::morphologyEx(MORPH_OPEN) with a 3x3 rectangle, default
 *     anchor, one iteration, border BORDER_CONSTANT (OpenCV's default);
 *   - components: 8-connected, CV_32S labels, default algorithm.
 *
 * Invariant: one Mog2Peer per sequence; all its cv::Mat buffers are reused
 * from frame to frame (OpenCV reallocates only when the size changes).
 * This is C++ only because OpenCV's API is; it lives under bench/peers/,
 * never in the library.
 */
#ifndef WATCHLINE_BENCH_MOG2_PEER_HPP
#define WATCHLINE_BENCH_MOG2_PEER_HPP

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/background_segm.hpp>

namespace wl_peer {

constexpr int kMog2History = 500;
constexpr double kMog2VarThreshold = 16.0;
constexpr bool kMog2DetectShadows = false;
constexpr int kOpenKernel = 3;
constexpr int kConnectivity = 8;

class Mog2Peer {
 public:
  Mog2Peer()
      : mog2_(cv::createBackgroundSubtractorMOG2(
            kMog2History, kMog2VarThreshold, kMog2DetectShadows)),
        kernel_(cv::getStructuringElement(
            cv::MORPH_RECT, cv::Size(kOpenKernel, kOpenKernel))) {}

  /* Run the three steps on one 8-bit grey frame. Returns the number of
   * labels including the background (label 0); stats() then holds one
   * CC_STAT_* row per label. */
  int process(const cv::Mat &grey8) {
    mog2_->apply(grey8, foreground_);
    cv::morphologyEx(foreground_, opened_, cv::MORPH_OPEN, kernel_);
    return cv::connectedComponentsWithStats(opened_, labels_, stats_,
                                            centroids_, kConnectivity, CV_32S);
  }

  const cv::Mat &stats() const { return stats_; }

 private:
  cv::Ptr<cv::BackgroundSubtractorMOG2> mog2_;
  cv::Mat kernel_;
  cv::Mat foreground_, opened_, labels_, stats_, centroids_;
};

}  // namespace wl_peer

#endif
