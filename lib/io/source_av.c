/*
 * source_av.c - the FFmpeg source: video files, network streams (rtsp://,
 * http://, udp://...) and V4L2 cameras, decoded to 16-bit grey frames.
 *
 * Design. libavformat demuxes, libavcodec decodes the best video stream, and
 * each decoded picture becomes one wl_frame_t:
 *   - grey is the picture's luma. For YUV pictures it is the stored Y plane,
 *     unchanged (no limited/full range expansion), so a grey AGC video that
 *     was encoded as yuv420p keeps its values. Planar Y planes are copied
 *     directly; everything else (RGB, palette, packed YUV, MSB-aligned or
 *     big-endian samples) goes through libswscale;
 *   - a luma depth of 8 bits or less is widened unchanged to 0..255 (bit_depth
 *     8); deeper luma keeps its native value range (0..2^depth-1) and depth;
 *   - deep (> 8 bit) grey-only pictures are radiometric, centikelvin by
 *     default; colour and 8-bit pictures are not. The Matroska stream tags
 *     WATCHLINE_BIT_DEPTH and WATCHLINE_RADIOMETRY (written by sink_av.c)
 *     override those defaults, and opts->radiometry_override overrides the
 *     radiometry of deep frames (8-bit AGC frames are left alone).
 * docs/FORMATS.md is the user-facing description of these rules.
 *
 * Invariants. The first decoded frame fixes the stream's size and bit depth;
 * a later frame that differs is an error, never a silent rescale. In steady
 * state nothing is allocated per frame: the AVPacket, AVFrame, SwsContext and
 * the 8-bit scratch row buffer are reused and pixels land in the caller's
 * wl_frame_t buffer. Every blocking libavformat call runs under a deadline
 * (interrupt callback) for network inputs, so nothing waits forever. Nothing
 * here prints or touches FFmpeg's global log level.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "io_int.h"

/* Socket timeout for network inputs, and the deadlines built from it. */
#define AV_NET_TIMEOUT_S 5
#define AV_NET_OPEN_DEADLINE_S (3 * AV_NET_TIMEOUT_S)
#define AV_NET_READ_DEADLINE_S AV_NET_TIMEOUT_S

/* Frame rates outside (0, AV_MAX_FPS] in a container are treated as absent. */
#define AV_MAX_FPS 1000.0

#define NS_PER_S 1000000000LL

typedef enum input_kind {
  INPUT_FILE,    /* a local file (or anything without a URL scheme) */
  INPUT_NETWORK, /* scheme://... other than file:// */
  INPUT_DEVICE,  /* V4L2: /dev/video* or v4l2:/dev/... */
  INPUT_MEMORY   /* a caller's buffer (tests and fuzzing) */
} input_kind_t;

/* The deadline the interrupt callback enforces; 0 = none. */
typedef struct io_deadline {
  int64_t at_ns;
} io_deadline_t;

/* A read-only AVIOContext over a caller's buffer. */
typedef struct mem_reader {
  const uint8_t *data;
  size_t size;
  size_t pos;
} mem_reader_t;

/* How decoded pictures become grey frames. */
typedef struct luma_plan {
  int format;           /* the AVPixelFormat this plan was made for */
  int direct;           /* 1: copy plane 0; 0: libswscale */
  int bytes_per_sample; /* of the output samples: 1 (widened) or 2 */
  int sws_format;       /* swscale output format when !direct */
  int bit_depth;        /* significant bits of the output */
  int grey_only;        /* the picture has no colour components */
} luma_plan_t;

typedef struct av_source {
  struct wl_source base; /* first: the vtable dispatch casts to this */
  char *uri;             /* copy, for messages */
  input_kind_t kind;
  io_deadline_t deadline;
  mem_reader_t mem;
  AVIOContext *mem_io;   /* INPUT_MEMORY only; freed here, not by lavf */
  AVFormatContext *fmt;
  AVCodecContext *dec;
  AVPacket *pkt;
  AVFrame *pic;
  struct SwsContext *sws;
  int sws_format;        /* input format sws was set up for; -1 none */
  uint8_t *scratch;      /* one 8-bit picture for swscale output */
  size_t scratch_size;
  int stream_index;
  AVRational time_base;
  /* Set by the first frame (or the tags): what every frame must match. */
  int width, height;
  luma_plan_t plan;
  int have_plan;
  int tag_bit_depth;     /* 0: no WATCHLINE_BIT_DEPTH tag */
  int tag_radiometry;    /* 1: WATCHLINE_RADIOMETRY tag present */
  wl_radiometry_t tag_radiometry_value;
  /* Timing. */
  int64_t first_ts;      /* AV_NOPTS_VALUE until the first frame */
  int have_first_ts;
  int64_t last_t_ns;
  /* Progress. */
  long frames_out;
  long corrupt;          /* packets or frames the decoder rejected */
  int draining;          /* demuxer finished; flushing the decoder */
  int pkt_pending;       /* pkt holds a packet the decoder has not taken */
  char stop_reason[96];  /* why reading stopped early, "" at a clean end */
} av_source_t;

/* ---- small helpers ----------------------------------------------------- */

static int64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static void deadline_arm(io_deadline_t *d, input_kind_t kind, int seconds) {
  d->at_ns = kind == INPUT_NETWORK ? monotonic_ns() + seconds * NS_PER_S : 0;
}

static int deadline_passed(void *opaque) {
  const io_deadline_t *d = opaque;
  return d->at_ns != 0 && monotonic_ns() > d->at_ns;
}

static int wl_code_of_av(int averr) {
  if (averr == AVERROR(ENOENT)) return WL_ENOTFOUND;
  if (averr == AVERROR(ENOMEM)) return WL_ENOMEM;
  if (averr == AVERROR_INVALIDDATA || averr == AVERROR_DEMUXER_NOT_FOUND ||
      averr == AVERROR_DECODER_NOT_FOUND ||
      averr == AVERROR_STREAM_NOT_FOUND || averr == AVERROR_PATCHWELCOME)
    return WL_EFORMAT;
  return WL_EIO;
}

/* av_strerror text; AVERROR_EXIT only ever comes from our deadline, so it
 * reads "timed out after N s" (deadline_s: the deadline that was armed). */
static const char *av_reason(int averr, int deadline_s, char *buf,
                             size_t len) {
  if (averr == AVERROR_EXIT)
    snprintf(buf, len, "timed out after %d s", deadline_s);
  else if (av_strerror(averr, buf, len) < 0)
    snprintf(buf, len, "error %d", averr);
  return buf;
}

static int fail_av(wl_err_t *err, int averr, int deadline_s, const char *uri,
                   const char *doing) {
  char why[AV_ERROR_MAX_STRING_SIZE + 32];
  av_reason(averr, deadline_s, why, sizeof why);
  int code = averr == AVERROR_EXIT ? WL_EIO : wl_code_of_av(averr);
  return wl_fail(err, code, "%s: %s: %s", uri, doing, why);
}

/* A network open that failed after at least the socket timeout timed out,
 * whatever FFmpeg calls it (RTSP reports a silent server as invalid data). */
static int fail_network_open(wl_err_t *err, int averr, const char *uri,
                             const char *doing, int64_t started_ns) {
  double waited = (double)(monotonic_ns() - started_ns) / (double)NS_PER_S;
  if (averr == AVERROR_EXIT || waited < AV_NET_TIMEOUT_S - 0.5)
    return fail_av(err, averr, AV_NET_OPEN_DEADLINE_S, uri, doing);
  char why[AV_ERROR_MAX_STRING_SIZE];
  av_reason(averr, 0, why, sizeof why);
  return wl_fail(err, WL_EIO,
                 "%s: %s: no answer within the %d s socket timeout "
                 "(waited %.1f s; FFmpeg says: %s)",
                 uri, doing, AV_NET_TIMEOUT_S, waited, why);
}

static int has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A URL scheme is letters/digits/+-. followed by "://". */
static int has_url_scheme(const char *uri) {
  const char *p = uri;
  while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
         (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
    p++;
  return p > uri && strncmp(p, "://", 3) == 0;
}

/* Which kind of input `uri` names, and the name to give libavformat. */
static input_kind_t classify_uri(const char *uri, const char **av_url) {
  *av_url = uri;
  if (has_prefix(uri, "v4l2:")) {
    *av_url = uri + strlen("v4l2:");
    return INPUT_DEVICE;
  }
  if (has_prefix(uri, "/dev/video")) return INPUT_DEVICE;
  if (has_url_scheme(uri) && !has_prefix(uri, "file://")) return INPUT_NETWORK;
  return INPUT_FILE;
}

/* Socket timeouts and RTSP over TCP; only for schemes whose "timeout" option
 * means an I/O timeout in microseconds (rtmp's means listen mode). */
static int network_options(AVDictionary **opts, const char *uri) {
  char us[32];
  snprintf(us, sizeof us, "%lld", (long long)AV_NET_TIMEOUT_S * 1000000LL);
  int rc = 0;
  if (has_prefix(uri, "rtsp://") || has_prefix(uri, "rtsps://")) {
    rc |= av_dict_set(opts, "rtsp_transport", "tcp", 0);
#if LIBAVFORMAT_VERSION_MAJOR < 59
    rc |= av_dict_set(opts, "stimeout", us, 0);
#else
    rc |= av_dict_set(opts, "timeout", us, 0);
#endif
  } else if (has_prefix(uri, "http://") || has_prefix(uri, "https://") ||
             has_prefix(uri, "udp://") || has_prefix(uri, "tcp://")) {
    rc |= av_dict_set(opts, "timeout", us, 0);
  }
  return rc < 0 ? AVERROR(ENOMEM) : 0;
}

/* ---- memory input (tests, fuzzing) ------------------------------------- */

static int mem_read(void *opaque, uint8_t *buf, int len) {
  mem_reader_t *m = opaque;
  size_t left = m->size - m->pos;
  if (left == 0) return AVERROR_EOF;
  size_t n = (size_t)len < left ? (size_t)len : left;
  memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  return (int)n;
}

static int64_t mem_seek(void *opaque, int64_t offset, int whence) {
  mem_reader_t *m = opaque;
  int64_t base;
  switch (whence & ~AVSEEK_FORCE) {
  case AVSEEK_SIZE: return (int64_t)m->size;
  case SEEK_SET: base = 0; break;
  case SEEK_CUR: base = (int64_t)m->pos; break;
  case SEEK_END: base = (int64_t)m->size; break;
  default: return AVERROR(EINVAL);
  }
  if (offset > INT64_MAX - base) return AVERROR(EINVAL);
  int64_t to = base + offset;
  if (to < 0 || (uint64_t)to > m->size) return AVERROR(EINVAL);
  m->pos = (size_t)to;
  return to;
}

/* ---- opening ----------------------------------------------------------- */

/*
 * Open the demuxer for `uri` (kind already classified; for INPUT_MEMORY `io`
 * is the AVIOContext to read) and find its stream parameters. On success
 * *out is open; on failure it is NULL and err says why.
 */
static int open_demuxer(AVFormatContext **out, const char *uri,
                        input_kind_t kind, const char *av_url, AVIOContext *io,
                        const char *formats, io_deadline_t *deadline,
                        wl_err_t *err) {
  *out = NULL;
  AVFormatContext *fmt = avformat_alloc_context();
  if (!fmt) return wl_fail(err, WL_ENOMEM, "%s: cannot allocate demuxer", uri);
  fmt->interrupt_callback.callback = deadline_passed;
  fmt->interrupt_callback.opaque = deadline;

  AVDictionary *opts = NULL;
  const AVInputFormat *ifmt = NULL;
  int rc = 0;
  if (kind == INPUT_DEVICE) {
    avdevice_register_all();
    ifmt = av_find_input_format("video4linux2");
    if (!ifmt) {
      avformat_free_context(fmt);
      return wl_fail(err, WL_EUNSUPPORTED,
                     "%s: this FFmpeg build has no video4linux2 input", uri);
    }
  } else if (kind == INPUT_NETWORK) {
    rc = network_options(&opts, uri);
  } else if (kind == INPUT_MEMORY) {
    fmt->pb = io;
    fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    /* A memory input must not open anything else (playlists, concat). */
    rc = av_dict_set(&opts, "protocol_whitelist", "none", 0);
    if (rc >= 0 && formats)
      rc = av_dict_set(&opts, "format_whitelist", formats, 0);
  }
  if (rc < 0) {
    av_dict_free(&opts);
    avformat_free_context(fmt);
    return wl_fail(err, WL_ENOMEM, "%s: cannot set demuxer options", uri);
  }

  int64_t started = monotonic_ns();
  deadline_arm(deadline, kind, AV_NET_OPEN_DEADLINE_S);
  rc = avformat_open_input(&fmt, av_url, ifmt, &opts); /* frees fmt on error */
  av_dict_free(&opts);
  if (rc < 0)
    return kind == INPUT_NETWORK
               ? fail_network_open(err, rc, uri, "cannot open", started)
               : fail_av(err, rc, 0, uri, "cannot open");

  rc = avformat_find_stream_info(fmt, NULL);
  if (rc < 0) {
    avformat_close_input(&fmt);
    const char *doing = "cannot read stream parameters";
    return kind == INPUT_NETWORK
               ? fail_network_open(err, rc, uri, doing, started)
               : fail_av(err, rc, 0, uri, doing);
  }
  deadline->at_ns = 0;
  *out = fmt;
  return WL_OK;
}

/* Parse "none" or "<scale> <offset>" (WATCHLINE_RADIOMETRY). */
static int parse_radiometry_tag(const char *s, wl_radiometry_t *out) {
  if (strcmp(s, "none") == 0) {
    *out = wl_radiometry_none();
    return 0;
  }
  char *end;
  errno = 0;
  double scale = strtod(s, &end);
  if (end == s || errno) return -1;
  const char *p = end;
  double offset = strtod(p, &end);
  if (end == p || errno) return -1;
  while (*end == ' ') end++;
  if (*end || !isfinite(scale) || !isfinite(offset) || scale == 0.0) return -1;
  out->radiometric = 1;
  out->scale = scale;
  out->offset = offset;
  return 0;
}

/* Read WATCHLINE_BIT_DEPTH / WATCHLINE_RADIOMETRY from the stream's tags. */
static int read_watchline_tags(av_source_t *s, const AVStream *st,
                               wl_err_t *err) {
  const AVDictionaryEntry *e = av_dict_get(st->metadata, "WATCHLINE_BIT_DEPTH",
                                           NULL, 0);
  if (e) {
    char *end;
    long depth = strtol(e->value, &end, 10);
    if (end == e->value || *end || depth < 1 || depth > 16)
      return wl_fail(err, WL_EFORMAT,
                     "%s: stream #%d tag WATCHLINE_BIT_DEPTH=\"%.32s\" is not "
                     "an integer in 1..16",
                     s->uri, st->index, e->value);
    s->tag_bit_depth = (int)depth;
  }
  e = av_dict_get(st->metadata, "WATCHLINE_RADIOMETRY", NULL, 0);
  if (e) {
    if (parse_radiometry_tag(e->value, &s->tag_radiometry_value) != 0)
      return wl_fail(err, WL_EFORMAT,
                     "%s: stream #%d tag WATCHLINE_RADIOMETRY=\"%.48s\" is "
                     "not \"none\" or \"<scale> <offset>\" with scale != 0",
                     s->uri, st->index, e->value);
    s->tag_radiometry = 1;
  }
  return WL_OK;
}

static double stream_fps(const AVStream *st, double fallback) {
  const AVRational rates[2] = {st->avg_frame_rate, st->r_frame_rate};
  for (int i = 0; i < 2; i++)
    if (rates[i].num > 0 && rates[i].den > 0) {
      double fps = av_q2d(rates[i]);
      if (fps > 0.0 && fps <= AV_MAX_FPS) return fps;
    }
  return fallback > 0.0 ? fallback : 30.0;
}

static int open_decoder(av_source_t *s, wl_err_t *err) {
  const AVCodec *codec = NULL;
  int idx = av_find_best_stream(s->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (idx == AVERROR_STREAM_NOT_FOUND)
    return wl_fail(err, WL_EFORMAT, "%s: no video stream among %u streams",
                   s->uri, s->fmt->nb_streams);
  if (idx < 0 || !codec) {
    const AVStream *st0 = idx >= 0 ? s->fmt->streams[idx] : NULL;
    return wl_fail(err, WL_EUNSUPPORTED,
                   "%s: no decoder for the video codec %s", s->uri,
                   st0 ? avcodec_get_name(st0->codecpar->codec_id) : "?");
  }
  AVStream *st = s->fmt->streams[idx];
  for (unsigned i = 0; i < s->fmt->nb_streams; i++)
    if ((int)i != idx) s->fmt->streams[i]->discard = AVDISCARD_ALL;
  s->stream_index = idx;
  s->time_base = st->time_base;

  const AVCodecParameters *par = st->codecpar;
  if (par->width != 0 || par->height != 0) {
    char what[300];
    snprintf(what, sizeof what, "%s: video stream #%d", s->uri, idx);
    int rc = wl_check_size(par->width, par->height, what, err);
    if (rc != WL_OK) return rc;
  }

  s->dec = avcodec_alloc_context3(codec);
  if (!s->dec) return wl_fail(err, WL_ENOMEM, "%s: cannot allocate decoder",
                              s->uri);
  int rc = avcodec_parameters_to_context(s->dec, par);
  if (rc < 0) return fail_av(err, rc, 0, s->uri, "cannot set up decoder");
  s->dec->pkt_timebase = st->time_base;
  AVDictionary *opts = NULL;
  char max_pixels[32];
  snprintf(max_pixels, sizeof max_pixels, "%zu", (size_t)WL_MAX_PIXELS);
  if (av_dict_set(&opts, "max_pixels", max_pixels, 0) < 0)
    return wl_fail(err, WL_ENOMEM, "%s: cannot set decoder options", s->uri);
  rc = avcodec_open2(s->dec, codec, &opts);
  av_dict_free(&opts);
  if (rc < 0) return fail_av(err, rc, 0, s->uri, "cannot open decoder");
  return read_watchline_tags(s, st, err);
}

/* ---- luma extraction --------------------------------------------------- */

static int host_is_big_endian(void) {
  const uint16_t one = 1;
  return *(const uint8_t *)&one == 0;
}

/* The swscale grey output format holding `depth` bits natively, or NONE. */
static enum AVPixelFormat grey_format_for_depth(int depth) {
  switch (depth) {
  case 9: return AV_PIX_FMT_GRAY9;
  case 10: return AV_PIX_FMT_GRAY10;
  case 12: return AV_PIX_FMT_GRAY12;
  case 14: return AV_PIX_FMT_GRAY14;
  case 16: return AV_PIX_FMT_GRAY16;
  default: return AV_PIX_FMT_NONE;
  }
}

/* Decide how pictures of pixel format `format` become grey frames. */
static int plan_luma(av_source_t *s, int format, luma_plan_t *plan,
                     wl_err_t *err) {
  const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(format);
  if (!d || d->nb_components < 1)
    return wl_fail(err, WL_EFORMAT, "%s: decoder gave unknown pixel format %d",
                   s->uri, format);
  const uint64_t odd = AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL |
                       AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL |
                       AV_PIX_FMT_FLAG_BAYER | AV_PIX_FMT_FLAG_FLOAT;
  const AVComponentDescriptor *y = &d->comp[0];
  int alpha = (d->flags & AV_PIX_FMT_FLAG_ALPHA) != 0;
  int native = ((d->flags & AV_PIX_FMT_FLAG_BE) != 0) == host_is_big_endian();
  int depth = y->depth;
  int floaty = (d->flags & AV_PIX_FMT_FLAG_FLOAT) != 0;

  memset(plan, 0, sizeof *plan);
  plan->format = format;
  plan->grey_only = !(d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) &&
                    d->nb_components == 1 + alpha;
  if (depth <= 8 && !floaty) {
    plan->bit_depth = 8;
    plan->bytes_per_sample = 1;
    plan->sws_format = AV_PIX_FMT_GRAY8;
  } else {
    enum AVPixelFormat g = floaty ? AV_PIX_FMT_NONE
                                  : grey_format_for_depth(depth);
    if (g == AV_PIX_FMT_NONE || !sws_isSupportedOutput(g)) {
      g = AV_PIX_FMT_GRAY16;
      depth = 16;
    }
    plan->bit_depth = depth;
    plan->bytes_per_sample = 2;
    plan->sws_format = g;
  }
  plan->direct = !(d->flags & odd) && y->plane == 0 && y->shift == 0 &&
                 y->offset == 0 && y->step == plan->bytes_per_sample &&
                 (plan->bytes_per_sample == 1 || native) && !floaty;
  if (!plan->direct && !sws_isSupportedInput(format))
    return wl_fail(err, WL_EUNSUPPORTED,
                   "%s: pixel format %s cannot be converted to grey", s->uri,
                   d->name);
  return WL_OK;
}

/* Make the SwsContext convert `format` at the stream size to plan's grey. */
static int prepare_sws(av_source_t *s, wl_err_t *err) {
  const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(s->plan.format);
  s->sws = sws_getCachedContext(s->sws, s->width, s->height, s->plan.format,
                                s->width, s->height, s->plan.sws_format,
                                SWS_POINT | SWS_ACCURATE_RND, NULL, NULL, NULL);
  if (!s->sws)
    return wl_fail(err, WL_EUNSUPPORTED,
                   "%s: cannot convert pixel format %s to grey", s->uri,
                   d ? d->name : "?");
  if (!(d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL))) {
    /* Luma of YUV stays as stored: same range in and out, no expansion. */
    const int *coefs = sws_getCoefficients(SWS_CS_DEFAULT);
    sws_setColorspaceDetails(s->sws, coefs, 1, coefs, 1, 0, 1 << 16, 1 << 16);
  }
  s->sws_format = s->plan.format;
  if (s->plan.bytes_per_sample == 1) {
    size_t need = (size_t)s->width * (size_t)s->height;
    if (need > s->scratch_size) {
      uint8_t *p = realloc(s->scratch, need);
      if (!p)
        return wl_fail(err, WL_ENOMEM, "%s: cannot allocate %dx%d grey buffer",
                       s->uri, s->width, s->height);
      s->scratch = p;
      s->scratch_size = need;
    }
  }
  return WL_OK;
}

static void widen_rows(uint16_t *dst, const uint8_t *src, ptrdiff_t stride,
                       int width, int height) {
  for (int row = 0; row < height; row++) {
    const uint8_t *in = src + row * stride;
    uint16_t *out = dst + (size_t)row * (size_t)width;
    for (int x = 0; x < width; x++) out[x] = in[x];
  }
}

static void copy_rows16(uint16_t *dst, const uint8_t *src, ptrdiff_t stride,
                        int width, int height) {
  for (int row = 0; row < height; row++)
    memcpy(dst + (size_t)row * (size_t)width, src + row * stride,
           (size_t)width * sizeof *dst);
}

/* Convert s->pic (already checked against the stream size) into out. */
static int picture_to_grey(av_source_t *s, wl_frame_t *out, wl_err_t *err) {
  const AVFrame *pic = s->pic;
  int w = s->width, h = s->height;
  if (s->plan.direct) {
    if (s->plan.bytes_per_sample == 1)
      widen_rows(out->data, pic->data[0], pic->linesize[0], w, h);
    else
      copy_rows16(out->data, pic->data[0], pic->linesize[0], w, h);
    return WL_OK;
  }
  if (s->sws_format != s->plan.format || !s->sws) {
    int rc = prepare_sws(s, err);
    if (rc != WL_OK) return rc;
  }
  uint8_t *dst[4] = {NULL, NULL, NULL, NULL};
  int dst_stride[4] = {0, 0, 0, 0};
  if (s->plan.bytes_per_sample == 1) {
    dst[0] = s->scratch;
    dst_stride[0] = w;
  } else {
    dst[0] = (uint8_t *)out->data;
    dst_stride[0] = w * 2;
  }
  int rows = sws_scale(s->sws, (const uint8_t *const *)pic->data,
                       pic->linesize, 0, h, dst, dst_stride);
  if (rows != h)
    return wl_fail(err, WL_EIO, "%s: grey conversion of frame %ld failed",
                   s->uri, s->frames_out);
  if (s->plan.bytes_per_sample == 1) widen_rows(out->data, s->scratch, w, w, h);
  return WL_OK;
}

/* ---- frames ------------------------------------------------------------ */

/* Bit depth of frames made with `plan` (NULL: not known yet). */
static int bit_depth_of(const av_source_t *s, const luma_plan_t *plan) {
  if (s->tag_bit_depth) return s->tag_bit_depth;
  return plan ? plan->bit_depth : 8;
}

/* Radiometry of frames made with `plan` (NULL: not known yet): for deep
 * (> 8 bit) frames the override, else the tag, else centikelvin for grey
 * and none for colour; for 8-bit frames the tag, else none. */
static wl_radiometry_t radiometry_of(const av_source_t *s,
                                     const luma_plan_t *plan) {
  int deep = bit_depth_of(s, plan) > 8;
  if (deep && s->base.opts.radiometry_override) return s->base.opts.radiometry;
  if (s->tag_radiometry) return s->tag_radiometry_value;
  if (deep && plan && plan->grey_only) return wl_radiometry_centikelvin();
  return wl_radiometry_none();
}

/* First frame: fix size and plan. Later: check they still hold. */
static int check_picture(av_source_t *s, wl_err_t *err) {
  const AVFrame *pic = s->pic;
  if (!s->have_plan) {
    char what[300];
    snprintf(what, sizeof what, "%s: video stream #%d", s->uri,
             s->stream_index);
    int rc = wl_check_size(pic->width, pic->height, what, err);
    if (rc != WL_OK) return rc;
    rc = plan_luma(s, pic->format, &s->plan, err);
    if (rc != WL_OK) return rc;
    s->width = pic->width;
    s->height = pic->height;
    s->have_plan = 1;
    s->base.info.width = s->width;
    s->base.info.height = s->height;
    s->base.info.bit_depth = bit_depth_of(s, &s->plan);
    s->base.info.radiometry = radiometry_of(s, &s->plan);
    return WL_OK;
  }
  if (pic->width != s->width || pic->height != s->height)
    return wl_fail(err, WL_EFORMAT,
                   "%s: video stream #%d changes size at frame %ld (counting "
                   "from 0): %dx%d -> %dx%d; resizing is not supported",
                   s->uri, s->stream_index, s->frames_out, s->width, s->height,
                   pic->width, pic->height);
  if (pic->format != s->plan.format) {
    luma_plan_t next;
    int rc = plan_luma(s, pic->format, &next, err);
    if (rc != WL_OK) return rc;
    if (next.bit_depth != s->plan.bit_depth)
      return wl_fail(err, WL_EFORMAT,
                     "%s: video stream #%d changes bit depth at frame %ld "
                     "(counting from 0): %d -> %d bits (%s -> %s)",
                     s->uri, s->stream_index, s->frames_out,
                     s->plan.bit_depth, next.bit_depth,
                     av_get_pix_fmt_name(s->plan.format),
                     av_get_pix_fmt_name(pic->format));
    s->plan = next;
  }
  return WL_OK;
}

/* Presentation time relative to the first frame; frame-rate based when the
 * stream carries no timestamps. */
static int64_t picture_time_ns(av_source_t *s) {
  int64_t ts = s->pic->best_effort_timestamp;
  int64_t period = (int64_t)llround(1e9 / s->base.info.fps);
  if (s->frames_out == 0) {
    s->have_first_ts = ts != AV_NOPTS_VALUE;
    s->first_ts = ts;
    return 0;
  }
  if (!s->have_first_ts || ts == AV_NOPTS_VALUE)
    return s->last_t_ns + period;
  return av_rescale_q(ts - s->first_ts, s->time_base,
                      (AVRational){1, (int)NS_PER_S});
}

static int deliver(av_source_t *s, wl_frame_t *out, wl_err_t *err) {
  int rc = check_picture(s, err);
  if (rc != WL_OK) return rc;
  rc = wl_frame_alloc(out, s->width, s->height, err);
  if (rc != WL_OK) return rc;
  rc = picture_to_grey(s, out, err);
  if (rc != WL_OK) return rc;
  out->t_ns = picture_time_ns(s);
  out->seq = (uint64_t)s->frames_out;
  out->bit_depth = bit_depth_of(s, &s->plan);
  out->radiometry = radiometry_of(s, &s->plan);
  s->last_t_ns = out->t_ns;
  s->frames_out++;
  return WL_OK;
}

/* The demuxer ended: at end of file, or early (truncated / unreadable). */
static void start_draining(av_source_t *s, int averr) {
  if (averr != AVERROR_EOF) {
    char why[AV_ERROR_MAX_STRING_SIZE];
    av_reason(averr, 0, why, sizeof why);
    int64_t at = s->fmt->pb ? avio_tell(s->fmt->pb) : -1;
    snprintf(s->stop_reason, sizeof s->stop_reason,
             "reading stopped near byte %lld: %s", (long long)at, why);
  }
  avcodec_send_packet(s->dec, NULL);
  s->draining = 1;
}

static int end_of_stream(av_source_t *s, wl_err_t *err) {
  if (s->frames_out == 0 && s->corrupt > 0)
    return wl_fail(err, WL_EFORMAT,
                   "%s: no decodable frame (%ld corrupt packets or frames "
                   "skipped)%s%s",
                   s->uri, s->corrupt, s->stop_reason[0] ? "; " : "",
                   s->stop_reason);
  return wl_fail(err, WL_EOF,
                 "%s: end of video after %ld frames (%ld corrupt skipped)%s%s",
                 s->uri, s->frames_out, s->corrupt,
                 s->stop_reason[0] ? "; " : "", s->stop_reason);
}

/* Read the next packet of our stream into s->pkt. Returns 1 with a packet,
 * 0 when the demuxer has ended (draining started), or a WL error. */
static int read_packet(av_source_t *s, wl_err_t *err) {
  for (;;) {
    deadline_arm(&s->deadline, s->kind, AV_NET_READ_DEADLINE_S);
    int rc = av_read_frame(s->fmt, s->pkt);
    s->deadline.at_ns = 0;
    if (rc < 0) {
      if (rc != AVERROR_EOF &&
          (s->kind == INPUT_NETWORK || s->kind == INPUT_DEVICE))
        return fail_av(err, rc, AV_NET_READ_DEADLINE_S, s->uri,
                       "cannot read");
      start_draining(s, rc);
      return 0;
    }
    if (s->pkt->stream_index == s->stream_index) return 1;
    av_packet_unref(s->pkt);
  }
}

/* Give the decoder one packet (the pending one, else the next one read).
 * A packet the decoder cannot take yet stays pending; one it rejects is
 * skipped and counted. Returns WL_OK or a WL error. */
static int feed_decoder(av_source_t *s, wl_err_t *err) {
  if (!s->pkt_pending) {
    int got = read_packet(s, err);
    if (got <= 0) return got;
  }
  int rc = avcodec_send_packet(s->dec, s->pkt);
  if (rc == AVERROR(EAGAIN) && !s->pkt_pending) {
    s->pkt_pending = 1; /* receive first, then resend */
    return WL_OK;
  }
  s->pkt_pending = 0;
  av_packet_unref(s->pkt);
  if (rc == AVERROR(ENOMEM))
    return wl_fail(err, WL_ENOMEM, "%s: decoder out of memory", s->uri);
  if (rc < 0) s->corrupt++; /* rejected (or refused twice): skip it */
  return WL_OK;
}

/* Decoder errors in a row, while flushing, after which we call it the end. */
#define AV_MAX_FLUSH_ERRORS 64

static int av_next(wl_source_t *base, wl_frame_t *out, wl_err_t *err) {
  av_source_t *s = (av_source_t *)base;
  int flush_errors = 0;
  for (;;) {
    int rc = avcodec_receive_frame(s->dec, s->pic);
    if (rc == 0) {
      int corrupt = (s->pic->flags & AV_FRAME_FLAG_CORRUPT) ||
                    s->pic->decode_error_flags;
      if (corrupt) {
        s->corrupt++;
        av_frame_unref(s->pic);
        continue;
      }
      rc = deliver(s, out, err);
      av_frame_unref(s->pic);
      return rc;
    }
    if (rc == AVERROR_EOF) return end_of_stream(s, err);
    if (rc == AVERROR(ENOMEM))
      return wl_fail(err, WL_ENOMEM, "%s: decoder out of memory", s->uri);
    if (rc != AVERROR(EAGAIN)) s->corrupt++; /* failed to decode: skip it */
    if (s->draining) {
      /* A flushed decoder that neither yields frames nor EOF is done. */
      if (rc == AVERROR(EAGAIN) || ++flush_errors > AV_MAX_FLUSH_ERRORS)
        return end_of_stream(s, err);
      continue;
    }
    rc = feed_decoder(s, err);
    if (rc != WL_OK) return rc;
  }
}

static void av_close(wl_source_t *base) {
  av_source_t *s = (av_source_t *)base;
  if (!s) return;
  sws_freeContext(s->sws);
  av_frame_free(&s->pic);
  av_packet_free(&s->pkt);
  avcodec_free_context(&s->dec);
  avformat_close_input(&s->fmt);
  if (s->mem_io) {
    av_freep(&s->mem_io->buffer);
    avio_context_free(&s->mem_io);
  }
  free(s->scratch);
  free(s->uri);
  free(s);
}

static const wl__source_vt_t AV_SOURCE_VT = {av_next, av_close};

static const char *kind_name(input_kind_t kind) {
  switch (kind) {
  case INPUT_NETWORK: return "stream";
  case INPUT_DEVICE: return "v4l2";
  default: return "video";
  }
}

static av_source_t *new_source(const char *uri, input_kind_t kind,
                               const wl_source_opts_t *opts) {
  av_source_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->uri = strdup(uri);
  s->pkt = av_packet_alloc();
  s->pic = av_frame_alloc();
  if (!s->uri || !s->pkt || !s->pic) {
    av_close(&s->base);
    return NULL;
  }
  s->base.vt = &AV_SOURCE_VT;
  if (opts) s->base.opts = *opts; /* else all zero: the defaults */
  s->kind = kind;
  s->sws_format = -1;
  s->first_ts = AV_NOPTS_VALUE;
  return s;
}

/* Everything after the demuxer is open: decoder, tags, info. */
static int finish_open(av_source_t *s, wl_err_t *err) {
  int rc = open_decoder(s, err);
  if (rc != WL_OK) return rc;
  const AVStream *st = s->fmt->streams[s->stream_index];
  wl_source_info_t *info = &s->base.info;
  info->kind = kind_name(s->kind);
  info->width = st->codecpar->width;
  info->height = st->codecpar->height;
  info->fps = stream_fps(st, s->base.opts.fps);
  info->frame_count =
      s->kind == INPUT_NETWORK || s->kind == INPUT_DEVICE || st->nb_frames <= 0
          ? -1
          : (long)st->nb_frames;
  /* Provisional, from the stream parameters; the first frame confirms it. */
  luma_plan_t plan;
  int known = st->codecpar->format != AV_PIX_FMT_NONE &&
              plan_luma(s, st->codecpar->format, &plan, NULL) == WL_OK;
  info->bit_depth = bit_depth_of(s, known ? &plan : NULL);
  info->radiometry = radiometry_of(s, known ? &plan : NULL);
  return WL_OK;
}

int wl__source_open_av(wl_source_t **out, const char *uri,
                       const wl_source_opts_t *opts, wl_err_t *err) {
  *out = NULL;
  const char *av_url;
  input_kind_t kind = classify_uri(uri, &av_url);
  av_source_t *s = new_source(uri, kind, opts);
  if (!s) return wl_fail(err, WL_ENOMEM, "%s: cannot allocate source", uri);
  int rc = open_demuxer(&s->fmt, uri, kind, av_url, NULL, NULL, &s->deadline,
                        err);
  if (rc == WL_OK) rc = finish_open(s, err);
  if (rc != WL_OK) {
    av_close(&s->base);
    return rc;
  }
  *out = &s->base;
  return WL_OK;
}

int wl__source_open_av_memory(wl_source_t **out, const char *name,
                              const void *data, size_t size,
                              const char *formats,
                              const wl_source_opts_t *opts, wl_err_t *err) {
  *out = NULL;
  av_source_t *s = new_source(name, INPUT_MEMORY, opts);
  if (!s) return wl_fail(err, WL_ENOMEM, "%s: cannot allocate source", name);
  s->mem.data = data;
  s->mem.size = size;
  const int io_size = 4096;
  unsigned char *buf = av_malloc(io_size);
  if (buf)
    s->mem_io = avio_alloc_context(buf, io_size, 0, &s->mem, mem_read, NULL,
                                   mem_seek);
  if (!s->mem_io) {
    av_free(buf);
    av_close(&s->base);
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate reader", name);
  }
  int rc = open_demuxer(&s->fmt, name, INPUT_MEMORY, name, s->mem_io, formats,
                        &s->deadline, err);
  if (rc == WL_OK) rc = finish_open(s, err);
  if (rc != WL_OK) {
    av_close(&s->base);
    return rc;
  }
  *out = &s->base;
  return WL_OK;
}

long wl__av_count_frames(const char *uri, wl_err_t *err) {
  const char *av_url;
  input_kind_t kind = classify_uri(uri, &av_url);
  if (kind == INPUT_NETWORK || kind == INPUT_DEVICE)
    return wl_fail(err, WL_EUNSUPPORTED,
                   "%s: a live input has no frame count", uri);
  io_deadline_t deadline = {0};
  AVFormatContext *fmt = NULL;
  int rc = open_demuxer(&fmt, uri, kind, av_url, NULL, NULL, &deadline, err);
  if (rc != WL_OK) return rc;
  int idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
  if (idx < 0) {
    unsigned n = fmt->nb_streams;
    avformat_close_input(&fmt);
    return wl_fail(err, WL_EFORMAT, "%s: no video stream among %u streams",
                   uri, n);
  }
  for (unsigned i = 0; i < fmt->nb_streams; i++)
    if ((int)i != idx) fmt->streams[i]->discard = AVDISCARD_ALL;
  AVPacket *pkt = av_packet_alloc();
  if (!pkt) {
    avformat_close_input(&fmt);
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate packet", uri);
  }
  long count = 0;
  while (av_read_frame(fmt, pkt) >= 0) { /* stops at EOF or truncation */
    if (pkt->stream_index == idx && !(pkt->flags & AV_PKT_FLAG_DISCARD))
      count++;
    av_packet_unref(pkt);
  }
  av_packet_free(&pkt);
  avformat_close_input(&fmt);
  wl_err_clear(err);
  return count;
}

void wl_source_process_setup(size_t max_alloc, int quiet) {
  av_log_set_level(quiet ? AV_LOG_QUIET : AV_LOG_ERROR);
  if (max_alloc > 0) av_max_alloc(max_alloc);
}
