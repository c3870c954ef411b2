/*
 * sink_av.c - the FFmpeg sink: lossless FFV1 video in Matroska (.mkv).
 *
 * Design. Frames are written as FFV1 version 3 (level 3), gray16le, range
 * coder, every frame a keyframe (GOP 1), slice CRCs on, so a round trip through
 * source_av.c is bit exact whatever the frames' bit depth, and a damaged
 * file loses only the damaged frames. The first frame fixes the size and is
 * what the stream tags record:
 *   WATCHLINE_BIT_DEPTH   "8".."16"                 frame->bit_depth
 *   WATCHLINE_RADIOMETRY  "<scale> <offset>"|"none" frame->radiometry
 * (numbers printed with %.17g, so doubles come back exactly). Timestamps are
 * in milliseconds (Matroska's time base): a frame's t_ns, relative to the
 * first frame's, when that is later than the previous frame's; otherwise the
 * frame index times 1/fps (but at least 1 ms after the previous frame).
 * docs/FORMATS.md is the user-facing description.
 *
 * Invariants. The file is created by wl__sink_open_av (so an unwritable path
 * fails at once) and the Matroska header is written with the first frame.
 * One AVFrame (refcounted, allocated once) and one AVPacket are reused: no
 * allocation per frame in steady state. Close always frees everything and
 * returns the first error of finishing (flush, trailer, close); a sink that
 * received no frame removes the empty file it created.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>

#include "io_int.h"

#define MS_PER_S 1000
#define NS_PER_MS 1000000LL
#define AV_SINK_MAX_FPS 1000.0

typedef struct av_sink {
  struct wl_sink base; /* first: the vtable dispatch casts to this */
  char *path;
  double fps;
  AVFormatContext *fmt;
  AVCodecContext *enc;
  AVStream *st;
  AVFrame *pic;
  AVPacket *pkt;
  int started;      /* header written, encoder open */
  int broken;       /* starting failed: the muxer state is unusable */
  int width, height;
  long frames;
  int64_t first_t_ns;
  int64_t last_pts; /* ms */
} av_sink_t;

static int fail_av(wl_err_t *err, int averr, const char *path,
                   const char *doing) {
  char why[AV_ERROR_MAX_STRING_SIZE];
  if (av_strerror(averr, why, sizeof why) < 0)
    snprintf(why, sizeof why, "error %d", averr);
  int code = averr == AVERROR(ENOMEM) ? WL_ENOMEM
             : averr == AVERROR(ENOENT) ? WL_ENOTFOUND
                                        : WL_EIO;
  return wl_fail(err, code, "%s: %s: %s", path, doing, why);
}

static int host_is_big_endian(void) {
  const uint16_t one = 1;
  return *(const uint8_t *)&one == 0;
}

/* Stream tags recording the first frame's bit depth and radiometry. */
static int set_tags(av_sink_t *k, const wl_frame_t *f) {
  char depth[16], radiometry[64];
  snprintf(depth, sizeof depth, "%d", f->bit_depth);
  if (f->radiometry.radiometric)
    snprintf(radiometry, sizeof radiometry, "%.17g %.17g",
             f->radiometry.scale, f->radiometry.offset);
  else
    snprintf(radiometry, sizeof radiometry, "none");
  if (av_dict_set(&k->st->metadata, "WATCHLINE_BIT_DEPTH", depth, 0) < 0 ||
      av_dict_set(&k->st->metadata, "WATCHLINE_RADIOMETRY", radiometry, 0) < 0)
    return AVERROR(ENOMEM);
  return 0;
}

/* Open the FFV1 encoder for the first frame's size and write the header. */
static int start_stream(av_sink_t *k, const wl_frame_t *f, wl_err_t *err) {
  const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_FFV1);
  if (!codec)
    return wl_fail(err, WL_EUNSUPPORTED, "%s: this FFmpeg has no FFV1 encoder",
                   k->path);
  k->st = avformat_new_stream(k->fmt, NULL);
  k->enc = avcodec_alloc_context3(codec);
  if (!k->st || !k->enc)
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate the video stream",
                   k->path);
  AVRational rate = av_d2q(k->fps, 1000000);
  k->enc->width = f->width;
  k->enc->height = f->height;
  k->enc->pix_fmt = AV_PIX_FMT_GRAY16LE;
  k->enc->bits_per_raw_sample = 16;
  k->enc->time_base = (AVRational){1, MS_PER_S};
  k->enc->framerate = rate;
  k->enc->level = 3;
  k->enc->gop_size = 1;
  k->enc->thread_count = 1;
  if (k->fmt->oformat->flags & AVFMT_GLOBALHEADER)
    k->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  AVDictionary *opts = NULL;
  /* Range coder with a custom state table: what FFV1 needs for > 8 bits. */
  int rc = av_dict_set(&opts, "slicecrc", "1", 0);
  if (rc >= 0) rc = av_dict_set(&opts, "coder", "range_tab", 0);
  if (rc >= 0) rc = avcodec_open2(k->enc, codec, &opts);
  av_dict_free(&opts);
  if (rc < 0) return fail_av(err, rc, k->path, "cannot open the FFV1 encoder");

  rc = avcodec_parameters_from_context(k->st->codecpar, k->enc);
  if (rc < 0) return fail_av(err, rc, k->path, "cannot set stream parameters");
  k->st->time_base = k->enc->time_base;
  k->st->avg_frame_rate = rate;
  rc = set_tags(k, f);
  if (rc < 0) return fail_av(err, rc, k->path, "cannot set stream tags");

  k->pic->format = AV_PIX_FMT_GRAY16LE;
  k->pic->width = f->width;
  k->pic->height = f->height;
  rc = av_frame_get_buffer(k->pic, 0);
  if (rc < 0) return fail_av(err, rc, k->path, "cannot allocate a frame");

  rc = avformat_write_header(k->fmt, NULL);
  if (rc < 0) return fail_av(err, rc, k->path, "cannot write the header");
  k->started = 1;
  k->width = f->width;
  k->height = f->height;
  k->first_t_ns = f->t_ns;
  k->last_pts = -1;
  return WL_OK;
}

/* Milliseconds since the first frame; see the top comment for the rule. */
static int64_t frame_pts(av_sink_t *k, const wl_frame_t *f) {
  int64_t from_clock = -1;
  if (f->t_ns >= k->first_t_ns)
    from_clock = (f->t_ns - k->first_t_ns + NS_PER_MS / 2) / NS_PER_MS;
  if (from_clock > k->last_pts) return from_clock;
  int64_t from_index = llround((double)k->frames * MS_PER_S / k->fps);
  return from_index > k->last_pts ? from_index : k->last_pts + 1;
}

/* Hand the encoder one frame (NULL: flush) and write what comes out. */
static int encode(av_sink_t *k, AVFrame *pic, wl_err_t *err) {
  int rc = avcodec_send_frame(k->enc, pic);
  if (rc < 0) return fail_av(err, rc, k->path, "FFV1 encoding failed");
  for (;;) {
    rc = avcodec_receive_packet(k->enc, k->pkt);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return WL_OK;
    if (rc < 0) return fail_av(err, rc, k->path, "FFV1 encoding failed");
    k->pkt->stream_index = k->st->index;
    av_packet_rescale_ts(k->pkt, k->enc->time_base, k->st->time_base);
    rc = av_interleaved_write_frame(k->fmt, k->pkt); /* takes the packet */
    if (rc < 0) return fail_av(err, rc, k->path, "cannot write a frame");
  }
}

/* Copy f's pixels into the reusable AVFrame as gray16le. */
static int fill_picture(av_sink_t *k, const wl_frame_t *f, wl_err_t *err) {
  int rc = av_frame_make_writable(k->pic); /* no-op unless still referenced */
  if (rc < 0) return fail_av(err, rc, k->path, "cannot reuse the frame");
  int swap = host_is_big_endian();
  for (int row = 0; row < f->height; row++) {
    const uint16_t *in = f->data + (size_t)row * (size_t)f->width;
    uint16_t *out = (uint16_t *)(k->pic->data[0] + row * k->pic->linesize[0]);
    if (!swap) {
      memcpy(out, in, (size_t)f->width * sizeof *in);
    } else {
      for (int x = 0; x < f->width; x++)
        out[x] = (uint16_t)((in[x] >> 8) | (in[x] << 8));
    }
  }
  return WL_OK;
}

static int av_write(wl_sink_t *base, const wl_frame_t *f, wl_err_t *err) {
  av_sink_t *k = (av_sink_t *)base;
  if (!f || !f->data)
    return wl_fail(err, WL_EINVAL, "%s: frame %ld has no pixels", k->path,
                   k->frames);
  int rc;
  if (k->broken)
    return wl_fail(err, WL_EIO, "%s: the video could not be started; close "
                   "the sink", k->path);
  if (!k->started) {
    /* A bad first frame changes nothing: another may follow. */
    rc = wl_check_size(f->width, f->height, k->path, err);
    if (rc != WL_OK) return rc;
    if (f->bit_depth < 1 || f->bit_depth > 16)
      return wl_fail(err, WL_EINVAL, "%s: frame bit depth %d is not in 1..16",
                     k->path, f->bit_depth);
    rc = start_stream(k, f, err);
    if (rc != WL_OK) {
      k->broken = 1;
      return rc;
    }
  } else if (f->width != k->width || f->height != k->height) {
    return wl_fail(err, WL_EINVAL,
                   "%s: frame %ld is %dx%d but the video is %dx%d (counting "
                   "from 0)",
                   k->path, k->frames, f->width, f->height, k->width,
                   k->height);
  }
  rc = fill_picture(k, f, err);
  if (rc != WL_OK) return rc;
  k->pic->pts = frame_pts(k, f);
  k->pic->pict_type = AV_PICTURE_TYPE_I;
  rc = encode(k, k->pic, err);
  if (rc != WL_OK) return rc;
  k->last_pts = k->pic->pts;
  k->frames++;
  return WL_OK;
}

static void free_sink(av_sink_t *k) {
  av_packet_free(&k->pkt);
  av_frame_free(&k->pic);
  avcodec_free_context(&k->enc);
  if (k->fmt) {
    avio_closep(&k->fmt->pb);
    avformat_free_context(k->fmt);
  }
  free(k->path);
  free(k);
}

/* Flush the encoder, write the trailer, close the file: first error wins. */
static int av_close(wl_sink_t *base, wl_err_t *err) {
  av_sink_t *k = (av_sink_t *)base;
  if (!k) return WL_OK;
  int rc = WL_OK;
  if (k->started) {
    rc = encode(k, NULL, err);
    int av = av_write_trailer(k->fmt);
    if (av < 0 && rc == WL_OK)
      rc = fail_av(err, av, k->path, "cannot write the trailer");
  }
  if (k->fmt && k->fmt->pb) {
    int av = avio_closep(&k->fmt->pb);
    if (av < 0 && rc == WL_OK)
      rc = fail_av(err, av, k->path, "cannot close the file");
  }
  if (!k->started && remove(k->path) != 0 && rc == WL_OK)
    rc = wl_fail(err, WL_EIO, "%s: cannot remove the empty video file",
                 k->path);
  free_sink(k);
  return rc;
}

static const wl__sink_vt_t AV_SINK_VT = {av_write, av_close};

int wl__sink_open_av(wl_sink_t **out, const char *path,
                     const wl_sink_opts_t *opts, wl_err_t *err) {
  *out = NULL;
  double fps = opts && opts->fps > 0.0 ? opts->fps : 30.0;
  if (!isfinite(fps) || fps > AV_SINK_MAX_FPS)
    return wl_fail(err, WL_EINVAL, "%s: frame rate %g is not in (0, %g]",
                   path, fps, AV_SINK_MAX_FPS);
  av_sink_t *k = calloc(1, sizeof *k);
  if (!k) return wl_fail(err, WL_ENOMEM, "%s: cannot allocate sink", path);
  k->base.vt = &AV_SINK_VT;
  if (opts) k->base.opts = *opts;
  k->fps = fps;
  k->path = strdup(path);
  k->pic = av_frame_alloc();
  k->pkt = av_packet_alloc();
  int rc = k->path && k->pic && k->pkt
               ? avformat_alloc_output_context2(&k->fmt, NULL, "matroska",
                                                path)
               : AVERROR(ENOMEM);
  if (rc < 0) {
    free_sink(k);
    return fail_av(err, rc, path, "cannot set up the Matroska writer");
  }
  rc = avio_open(&k->fmt->pb, path, AVIO_FLAG_WRITE);
  if (rc < 0) {
    free_sink(k);
    return fail_av(err, rc, path, "cannot create");
  }
  *out = &k->base;
  return WL_OK;
}
