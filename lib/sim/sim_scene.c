/*
 * sim_scene.c - the static thermal scene (terrain, roads, clutter, sky),
 * rendered once per simulator, and the per-frame horizon shimmer.
 *
 * Design. Every ground pixel is traced to its ground point with the camera
 * model; its temperature is a sum of gradient-noise octaves defined in
 * ground metres (so the texture is fixed to the ground and gets finer with
 * distance in the image). Octaves finer than the pixel's ground footprint
 * fade out, and along the line of sight (where the footprint is stretched
 * by the grazing angle) up to four samples are averaged: far terrain looks
 * fine-grained but does not alias. Roads are box-filtered analytically over
 * the footprint. The air between the camera and the ground pulls apparent
 * temperatures towards the horizon (air) temperature with range. Static
 * clutter (rocks, bushes: 1-3 px blobs) sits at ground points, and the
 * whole base image then goes through the optics' PSF once.
 *
 * Shimmer displaces the rows just below the horizon vertically by a smooth
 * field of 3-D value noise in (column, row, time), evaluated every 8
 * columns and interpolated, plus a small flicker of the same kind; only
 * that band of the scene buffer is rewritten per frame.
 *
 * Invariants: base is fully written (no NaN) before wl__scene_build()
 * returns; shimmer rewrites every pixel of rows [band_top, band_bottom) of
 * scene each frame, and nothing else.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

#define DEG (M_PI / 180.0)
#define TERRAIN_OCTAVES 11
#define TERRAIN_LAMBDA0_M 96.0   /* coarsest texture wavelength */
#define TERRAIN_ROUGHNESS 0.88   /* amplitude ratio between octaves */
#define PATCH_LAMBDA_M 150.0     /* fields / soil patches */
#define SKY_SCALE_DEG 10.0       /* sky warms towards the horizon */
#define MAX_ALONG_SAMPLES 3
#define SHIMMER_NODE_STEP 8      /* columns between shimmer noise nodes */

/* ------------------------------------------------------------------------ */
/* Noise                                                                     */

static inline uint32_t hash32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

static inline uint32_t hash2(int64_t ix, int64_t iy, uint32_t seed) {
  return hash32((uint32_t)ix * 0x8da6b343U ^ (uint32_t)iy * 0xd8163841U ^
                seed * 0xcb1ab31fU);
}

/* floor() as an integer without a libm call (baseline x86-64 has no
 * rounding instruction). */
static inline int64_t floor_i64(double x) {
  int64_t i = (int64_t)x;
  return i - (x < (double)i);
}

static inline double quintic(double t) {
  return t * t * t * (t * (t * 6.0 - 15.0) + 10.0);
}

/* Dot of the lattice gradient picked by h with (dx, dy): 8 directions. */
static inline double grad2(uint32_t h, double dx, double dy) {
  static const double G[8][2] = {{1, 0},          {-1, 0},
                                 {0, 1},          {0, -1},
                                 {0.7071, 0.7071}, {-0.7071, 0.7071},
                                 {0.7071, -0.7071}, {-0.7071, -0.7071}};
  const double *g = G[h >> 29];
  return g[0] * dx + g[1] * dy;
}

double wl__gradient_noise2(double x, double y, uint32_t seed) {
  int64_t ix = floor_i64(x), iy = floor_i64(y);
  double dx = x - (double)ix, dy = y - (double)iy;
  double n00 = grad2(hash2(ix, iy, seed), dx, dy);
  double n10 = grad2(hash2(ix + 1, iy, seed), dx - 1, dy);
  double n01 = grad2(hash2(ix, iy + 1, seed), dx, dy - 1);
  double n11 = grad2(hash2(ix + 1, iy + 1, seed), dx - 1, dy - 1);
  double u = quintic(dx), v = quintic(dy);
  double a = n00 + u * (n10 - n00), b = n01 + u * (n11 - n01);
  return 1.4 * (a + v * (b - a)); /* about [-1, 1] */
}

static inline double lattice3(int64_t ix, int64_t iy, int64_t iz,
                              uint32_t seed) {
  uint32_t h = hash32(hash2(ix, iy, seed) ^ (uint32_t)iz * 0x9e3779b1U);
  return (double)h * (2.0 / 4294967295.0) - 1.0;
}

double wl__value_noise3(double x, double y, double z, uint32_t seed) {
  int64_t ix = floor_i64(x), iy = floor_i64(y), iz = floor_i64(z);
  double u = quintic(x - (double)ix), v = quintic(y - (double)iy);
  double w = quintic(z - (double)iz);
  double c[2];
  for (int k = 0; k < 2; k++) {
    double a = lattice3(ix, iy, iz + k, seed);
    double b = lattice3(ix + 1, iy, iz + k, seed);
    double cc = lattice3(ix, iy + 1, iz + k, seed);
    double d = lattice3(ix + 1, iy + 1, iz + k, seed);
    double ab = a + u * (b - a), cd = cc + u * (d - cc);
    c[k] = ab + v * (cd - ab);
  }
  return c[0] + w * (c[1] - c[0]);
}

/* ------------------------------------------------------------------------ */
/* Atmosphere                                                                */

double wl__transmission(const wl_sim_t *sim, double slant_m) {
  double km = sim->sc->scene.atmosphere_km;
  if (km <= 0.0) return 1.0;
  return exp(-slant_m / (km * 1000.0));
}

float wl__apparent_ck(const wl_sim_t *sim, double kelvin, double slant_m) {
  double tau = wl__transmission(sim, slant_m);
  double air = sim->sc->scene.horizon_k;
  return (float)(100.0 * (air + (kelvin - air) * tau));
}

/* ------------------------------------------------------------------------ */
/* Terrain                                                                   */

typedef struct terrain {
  uint32_t seed;
  double amp[TERRAIN_OCTAVES];
  double lambda[TERRAIN_OCTAVES];
  double rot_c[TERRAIN_OCTAVES], rot_s[TERRAIN_OCTAVES];
  double norm;
} terrain_t;

static void terrain_init(terrain_t *t, uint32_t seed) {
  t->seed = seed;
  double sum2 = 0.0;
  for (int k = 0; k < TERRAIN_OCTAVES; k++) {
    t->lambda[k] = TERRAIN_LAMBDA0_M / (double)(1u << k);
    t->amp[k] = pow(TERRAIN_ROUGHNESS, k);
    t->rot_c[k] = cos(0.9 * k + 0.3);
    t->rot_s[k] = sin(0.9 * k + 0.3);
    sum2 += t->amp[k] * t->amp[k];
  }
  /* Gradient noise has a standard deviation of about 0.33. */
  t->norm = 1.0 / (0.33 * sqrt(sum2));
}

/*
 * Texture around ground point (e, n) in units of its standard deviation,
 * averaged over k samples spread over `along` metres in direction (ge, gn)
 * (the pixel's footprint along the line of sight), with octaves of
 * wavelength below 2 footprints f dropped (faded in up to 4). Octaves much
 * longer than the spread need one sample only.
 */
static double terrain_fbm(const terrain_t *t, double e, double n, double ge,
                          double gn, double along, int k_samples,
                          double footprint) {
  double sum = 0.0;
  for (int k = 0; k < TERRAIN_OCTAVES; k++) {
    double ratio = t->lambda[k] / footprint;
    if (ratio <= 2.0) break;
    double fade = ratio >= 4.0 ? 1.0 : 0.5 * (ratio - 2.0);
    int samples = t->lambda[k] >= 4.0 * along ? 1 : k_samples;
    double v = 0.0;
    for (int j = 0; j < samples; j++) {
      double off = samples > 1 ? along * ((j + 0.5) / samples - 0.5) : 0.0;
      double pe = e + off * ge, pn = n + off * gn;
      double x = (t->rot_c[k] * pe - t->rot_s[k] * pn) / t->lambda[k];
      double y = (t->rot_s[k] * pe + t->rot_c[k] * pn) / t->lambda[k];
      v += wl__gradient_noise2(x + 17.3 * k, y - 5.1 * k,
                               t->seed + (uint32_t)k);
    }
    sum += fade * t->amp[k] * v / samples;
  }
  return sum * t->norm;
}

/* Large soft-edged patches (fields, scrub, bare soil): about [-1, 1]. */
static double terrain_patches(const terrain_t *t, double e, double n) {
  double p = 0.0, a = 1.0;
  for (int k = 0; k < 3; k++) {
    double l = PATCH_LAMBDA_M / (double)(1 << k);
    p += a * wl__gradient_noise2(e / l + 3.7, n / l - 1.3,
                                 t->seed ^ 0x5bd1e995U);
    a *= 0.5;
  }
  return tanh(3.0 * p);
}

/* Fraction of footprint [d - f/2, d + f/2] covering [-w/2, w/2]. */
static double box_overlap(double d, double f, double w) {
  double lo = fmax(d - 0.5 * f, -0.5 * w), hi = fmin(d + 0.5 * f, 0.5 * w);
  return hi > lo ? (hi - lo) / f : 0.0;
}

/*
 * Road coverage of the pixel whose ground point is (e, n), with footprint
 * (across, along) and line-of-sight unit (ge, gn). Coverage is the box
 * filter of the road across its own normal.
 */
static double road_cover(const wl__road_spec_t *r, double e, double n,
                         double across, double along, double ge, double gn) {
  double best = 0.0;
  for (size_t i = 0; i + 1 < r->n_path; i++) {
    double ax = r->path[i][0], ay = r->path[i][1];
    double bx = r->path[i + 1][0], by = r->path[i + 1][1];
    /* Quick reject: farther from the segment's box than road + pixel. */
    double reach = 0.5 * r->width_m + along + across;
    if (e < fmin(ax, bx) - reach || e > fmax(ax, bx) + reach ||
        n < fmin(ay, by) - reach || n > fmax(ay, by) + reach)
      continue;
    double vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy;
    if (len2 <= 0.0) continue;
    double tpar = ((e - ax) * vx + (n - ay) * vy) / len2;
    if (tpar < 0.0) tpar = 0.0;
    if (tpar > 1.0) tpar = 1.0;
    double px = ax + tpar * vx - e, py = ay + tpar * vy - n;
    double d = sqrt(px * px + py * py);
    double len = sqrt(len2);
    double nx = -vy / len, ny = vx / len; /* road normal */
    double c = fabs(nx * ge + ny * gn);   /* normal vs line of sight */
    double f = along * c + across * sqrt(fmax(0.0, 1.0 - c * c));
    if (f < 1e-6) f = 1e-6;
    if (d - 0.5 * f > 0.5 * r->width_m) continue;
    double cov = box_overlap(d, f, r->width_m);
    if (cov > best) best = cov;
  }
  return best;
}


/* Sky temperature (K) along unit ENU ray. */
static double sky_kelvin(const wl_sim_t *sim, const terrain_t *t,
                         const double ray[3], double dip_rad) {
  const wl__scene_spec_t *s = &sim->sc->scene;
  double el = asin(fmax(-1.0, fmin(1.0, ray[2])));
  double above = (el - dip_rad) / DEG;
  if (above < 0.0) above = 0.0;
  double k = s->sky_k + (s->horizon_k - s->sky_k) * exp(-above / SKY_SCALE_DEG);
  /* Faint cloud structure, strongest a little above the horizon. */
  double az = atan2(ray[0], ray[1]) / DEG;
  double cloud =
      wl__gradient_noise2(az / 9.0, above / 2.5, t->seed ^ 0xa511e9b3U) +
      0.5 * wl__gradient_noise2(az / 4.0, above / 1.2, t->seed ^ 0x63d83595U);
  double cloud_k = (s->day ? 1.2 : 0.8) * (s->horizon_k - s->sky_k) / 35.0;
  return k + cloud_k * cloud * (1.0 - exp(-above / 3.0));
}

/* Temperature of one ground pixel (centikelvin, apparent). */
static float ground_pixel(const wl_sim_t *sim, const terrain_t *t, double u,
                          double v, const double g[3]) {
  const wl_camera_t *cam = sim->cam;
  double slant = wl_camera_slant_range(cam, g);
  double across = wl_camera_footprint_m(cam, slant);
  /* Grazing angle against the local vertical (sphere approximation). */
  double ray[3];
  wl_camera_pixel_to_ray(cam, u, v, ray);
  double R = cam->ell_a;
  double nrm[3] = {g[0], g[1], g[2] + R};
  double nl = sqrt(nrm[0] * nrm[0] + nrm[1] * nrm[1] + nrm[2] * nrm[2]);
  double sin_graze =
      -(ray[0] * nrm[0] + ray[1] * nrm[1] + ray[2] * nrm[2]) / nl;
  if (sin_graze < 1e-4) sin_graze = 1e-4;
  double along = across / sin_graze;
  double gl = hypot(g[0], g[1]);
  double ge = gl > 0 ? g[0] / gl : 0.0, gn = gl > 0 ? g[1] / gl : 1.0;

  /* Compared before the cast: a camera on the ground (height 0) sees its
   * own foot at range 0, where along / across is 0 / 0. */
  double ratio = along / (2.0 * across);
  int k_samples = 1;
  if (ratio >= MAX_ALONG_SAMPLES)
    k_samples = MAX_ALONG_SAMPLES;
  else if (ratio > 1.0)
    k_samples = (int)ceil(ratio);
  double f_eff = fmax(across, along / k_samples);
  double fbm = terrain_fbm(t, g[0], g[1], ge, gn, along, k_samples, f_eff);
  const wl__scene_spec_t *s = &sim->sc->scene;
  /* Patches are coarse: one sample per pixel does. */
  double tex = 0.35 * terrain_patches(t, g[0], g[1]) + 0.9 * fbm;
  double kelvin = s->ground_k + s->texture_k * tex;

  for (size_t i = 0; i < s->n_roads; i++) {
    double cov = road_cover(&s->roads[i], g[0], g[1], across, along, ge, gn);
    if (cov > 0.0) {
      /* Asphalt is smooth: the road replaces the texture where it lies. */
      double road = s->ground_k + s->roads[i].contrast_k;
      kelvin = kelvin + cov * (road - kelvin);
    }
  }
  return wl__apparent_ck(sim, kelvin, slant);
}

/* ------------------------------------------------------------------------ */
/* Clutter                                                                   */

/* Draw one elliptic blob (pixel radii rx, rz) at (cu, cv) into base. */
static void draw_blob(wl_sim_t *sim, double cu, double cv, double rx,
                      double rz, float level) {
  int x0 = (int)floor(cu - rx), x1 = (int)ceil(cu + rx);
  int y0 = (int)floor(cv - rz), y1 = (int)ceil(cv + rz);
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > sim->w) x1 = sim->w;
  if (y1 > sim->h) y1 = sim->h;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      int hits = 0;
      for (int j = 0; j < 4; j++)
        for (int i = 0; i < 4; i++) {
          double dx = (x + (i + 0.5) / 4.0 - cu) / rx;
          double dz = (y + (j + 0.5) / 4.0 - cv) / rz;
          hits += dx * dx + dz * dz <= 1.0;
        }
      if (!hits) continue;
      float cov = (float)hits / 16.0f;
      float *p = &sim->base[(size_t)y * sim->w + x];
      *p += cov * (level - *p);
    }
}

static void place_clutter(wl_sim_t *sim, size_t ground_pixels) {
  const wl__scene_spec_t *s = &sim->sc->scene;
  size_t count = (size_t)(s->clutter_per_kpx * (double)ground_pixels / 1000.0);
  if (count == 0 || s->clutter_k <= 0.0) return;
  wl__rng_t rng;
  wl__rng_seed(&rng, sim->seed, WL__STREAM_CLUTTER);
  size_t placed = 0, tries = 0;
  while (placed < count && tries < 20 * count) {
    tries++;
    double u = wl__rng_range(&rng, 0, sim->w);
    double v = wl__rng_range(&rng, 0, sim->h);
    double g[3];
    if (v < sim->horizon_row[(int)u] + 1.5) continue;
    if (wl_camera_pixel_to_ground(sim->cam, u, v, g) != WL_OK) continue;
    double slant = wl_camera_slant_range(sim->cam, g);
    double size_px = wl__rng_range(&rng, 0.8, 3.0);
    double aspect = wl__rng_range(&rng, 0.55, 1.0); /* wider than tall */
    int warm = wl__rng_uniform(&rng) < (s->day ? 0.7 : 0.55);
    double mag = s->clutter_k * wl__rng_range(&rng, 0.35, 1.0);
    double here = sim->base[(size_t)(int)v * sim->w + (int)u] / 100.0;
    double tau = wl__transmission(sim, slant);
    float level = (float)(100.0 * (here + tau * (warm ? mag : -0.7 * mag)));
    /* Sits on the ground: its bottom at the ground point's row. */
    double rx = 0.5 * size_px, rz = 0.5 * size_px * aspect;
    draw_blob(sim, u, v - rz, rx, rz, level);
    placed++;
  }
}

/* ------------------------------------------------------------------------ */
/* PSF on the whole base, once                                               */

static int blur_base(wl_sim_t *sim) {
  float k0 = sim->psf[1], k1 = sim->psf[0];
  if (k1 == 0.0f) return WL_OK;
  int w = sim->w, h = sim->h;
  float *tmp = malloc((size_t)w * h * sizeof *tmp);
  if (!tmp) return WL_ENOMEM;
  for (int y = 0; y < h; y++) {
    const float *r = sim->base + (size_t)y * w;
    float *o = tmp + (size_t)y * w;
    for (int x = 0; x < w; x++) {
      float l = r[x > 0 ? x - 1 : x], rr = r[x + 1 < w ? x + 1 : x];
      o[x] = k0 * r[x] + k1 * (l + rr);
    }
  }
  for (int y = 0; y < h; y++) {
    const float *up = tmp + (size_t)(y > 0 ? y - 1 : y) * w;
    const float *mid = tmp + (size_t)y * w;
    const float *dn = tmp + (size_t)(y + 1 < h ? y + 1 : y) * w;
    float *o = sim->base + (size_t)y * w;
    for (int x = 0; x < w; x++) o[x] = k0 * mid[x] + k1 * (up[x] + dn[x]);
  }
  free(tmp);
  return WL_OK;
}

/* ------------------------------------------------------------------------ */
/* Build                                                                     */

int wl__scene_build(wl_sim_t *sim, wl_err_t *err) {
  const wl_camera_t *cam = sim->cam;
  terrain_t t;
  wl__rng_t rng;
  wl__rng_seed(&rng, sim->seed, WL__STREAM_TERRAIN);
  terrain_init(&t, (uint32_t)wl__rng_next(&rng));
  double R = cam->ell_a;
  double dip = -acos(R / (R + cam->height_m));

  for (int x = 0; x < sim->w; x++)
    sim->horizon_row[x] = wl_camera_horizon_row(cam, x + 0.5);

  size_t ground_pixels = 0;
  for (int y = 0; y < sim->h; y++) {
    float *row = sim->base + (size_t)y * sim->w;
    for (int x = 0; x < sim->w; x++) {
      double u = x + 0.5, v = y + 0.5, g[3];
      if (wl_camera_pixel_to_ground(cam, u, v, g) == WL_OK) {
        row[x] = ground_pixel(sim, &t, u, v, g);
        ground_pixels++;
      } else {
        double ray[3];
        wl_camera_pixel_to_ray(cam, u, v, ray);
        row[x] = (float)(100.0 * sky_kelvin(sim, &t, ray, dip));
      }
    }
  }
  place_clutter(sim, ground_pixels);
  if (blur_base(sim) != WL_OK)
    return wl_fail(err, WL_ENOMEM, "sim: out of memory for the scene");
  memcpy(sim->scene, sim->base, (size_t)sim->w * sim->h * sizeof *sim->base);

  /* The shimmer band: a few rows above the horizon to shimmer_rows below. */
  const wl__scene_spec_t *s = &sim->sc->scene;
  sim->band_top = sim->band_bottom = 0;
  if (s->shimmer_px > 0.0) {
    double lo = INFINITY, hi = -INFINITY;
    for (int x = 0; x < sim->w; x++) {
      if (!isfinite(sim->horizon_row[x])) continue;
      lo = fmin(lo, sim->horizon_row[x]);
      hi = fmax(hi, sim->horizon_row[x]);
    }
    if (isfinite(lo)) {
      double top = floor(lo) - 2, bottom = ceil(hi) + s->shimmer_rows;
      if (top < 0) top = 0;
      if (bottom > sim->h) bottom = sim->h;
      if (top < bottom) {
        sim->band_top = (int)top;
        sim->band_bottom = (int)bottom;
      }
    }
  }
  sim->shimmer_seed = (uint32_t)wl__rng_next(&rng);
  return WL_OK;
}

/* ------------------------------------------------------------------------ */
/* Shimmer                                                                   */

void wl__scene_shimmer(wl_sim_t *sim, double t) {
  const wl__scene_spec_t *s = &sim->sc->scene;
  if (sim->band_bottom <= sim->band_top) return;
  if (s->shimmer_px <= 0.0) return;
  int w = sim->w, h = sim->h;
  int nodes = w / SHIMMER_NODE_STEP + 2;
  float *dv = sim->shimmer_dv, *fl = sim->shimmer_fl;
  double taper_rows = fmax(1.0, s->shimmer_rows / 2.5);
  for (int y = sim->band_top; y < sim->band_bottom; y++) {
    /* Noise at the nodes of this row, then linear in between. */
    for (int k = 0; k < nodes; k++) {
      double x = (double)k * SHIMMER_NODE_STEP;
      int col = (int)x < w ? (int)x : w - 1;
      double below = y + 0.5 - sim->horizon_row[col];
      double taper = exp(-fmax(0.0, below) / taper_rows);
      dv[k] = (float)(taper * s->shimmer_px * 1.6 *
                      wl__value_noise3(x / 37.0, y / 3.5, t / 0.45,
                                       sim->shimmer_seed));
      fl[k] = (float)(taper * s->shimmer_k * 160.0 *
                      wl__value_noise3(x / 23.0, y / 2.5, t / 0.3 + 50.0,
                                       sim->shimmer_seed ^ 0x27d4eb2fU));
    }
    float *out = sim->scene + (size_t)y * w;
    for (int x = 0; x < w; x++) {
      double below = y + 0.5 - sim->horizon_row[x];
      if (below < -2.0 || below > s->shimmer_rows) {
        out[x] = sim->base[(size_t)y * w + x];
        continue;
      }
      int k = x / SHIMMER_NODE_STEP;
      float f = (float)(x - k * SHIMMER_NODE_STEP) / SHIMMER_NODE_STEP;
      float d = dv[k] + f * (dv[k + 1] - dv[k]);
      float flick = fl[k] + f * (fl[k + 1] - fl[k]);
      float sy = y + d;
      if (sy < 0) sy = 0;
      if (sy > h - 1) sy = h - 1;
      int y0 = (int)sy;
      int y1 = y0 + 1 < h ? y0 + 1 : y0;
      float a = sy - y0;
      float v0 = sim->base[(size_t)y0 * w + x];
      float v1 = sim->base[(size_t)y1 * w + x];
      out[x] = v0 + a * (v1 - v0) + flick;
    }
  }
}
