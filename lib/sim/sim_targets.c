/*
 * sim_targets.c - moving targets and swaying bushes: where they are, what
 * they look like, and how they are drawn with sub-pixel coverage into the
 * premultiplied target layer, with their ground truth.
 *
 * Design. A target moves along its waypoints at its speed, standing still
 * for its pauses, optionally looping. Each frame its foot point on the
 * ground (wl_camera_ground_at) is projected with wl_camera_enu_to_pixel,
 * together with the head (foot + height along the local vertical) and the
 * two ends of a horizontal bar across the line of sight: that gives an
 * affine map from a camera-facing "billboard" in local metres (a across,
 * z up) to pixels. The silhouette is a short list of primitives (ellipses,
 * capsules, rounded boxes) in billboard metres, built per kind from the
 * target's size, its aspect (the angle between its heading and the line of
 * sight), its direction on screen and its gait phase: people have a head,
 * torso, swinging arms and legs; vehicles a body, cold glass, warm tyres, a
 * hot engine and exhaust; animals a body, head, neck and legs; birds a body
 * and flapping wings. Each pixel of the silhouette's box is supersampled
 * (8x8 for small targets, 4x4 otherwise) and composited front to back:
 * items are drawn nearest first, and a pixel already covered by a fraction
 * a of nearer items shows a farther one only in the remaining 1 - a. The
 * same accounting gives each target's visibility.
 *
 * Invariants: silhouettes are symmetric about a = 0 in extent and stand on
 * z = 0 (birds excepted), so the foot point projects to the bottom centre
 * of the box; nothing here allocates per frame.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

#define DEG (M_PI / 180.0)
#define TWO_PI (2.0 * M_PI)
#define MIN_RADIUS_M 1e-3f
#define AREA_GRID 48 /* samples per side for a clipped target's area */

/* ------------------------------------------------------------------------ */
/* Motion along the path                                                     */

/* Travel times of each leg; cycle time. Returns WL_ENOMEM on failure. */
static int target_prepare(wl__target_t *tg) {
  const wl__target_spec_t *s = &tg->spec;
  size_t n = s->n_path;
  tg->n_legs = n < 2 ? 0 : (s->loop ? n : n - 1);
  tg->leg_time_s = calloc(tg->n_legs + 1, sizeof *tg->leg_time_s);
  tg->leg_len_m = calloc(tg->n_legs + 1, sizeof *tg->leg_len_m);
  if (!tg->leg_time_s || !tg->leg_len_m) return WL_ENOMEM;
  double cycle = 0.0, total_len = 0.0;
  for (size_t i = 0; i < tg->n_legs; i++) {
    const double *a = s->path[i], *b = s->path[(i + 1) % n];
    double len = hypot(b[0] - a[0], b[1] - a[1]);
    tg->leg_len_m[i] = len;
    tg->leg_time_s[i] = s->speed_mps > 0 ? len / s->speed_mps : 0.0;
    total_len += len;
    cycle += tg->leg_time_s[i];
  }
  for (size_t i = 0; i < n; i++) cycle += s->pause_s[i];
  if (s->speed_mps <= 0.0 || total_len <= 0.0) tg->n_legs = 0;
  tg->cycle_s = cycle;
  return WL_OK;
}

/* Unit direction of leg i, or 0 when it has no length. */
static int leg_dir(const wl__target_t *tg, size_t i, double *de, double *dn) {
  const wl__target_spec_t *s = &tg->spec;
  const double *a = s->path[i], *b = s->path[(i + 1) % s->n_path];
  double len = tg->leg_len_m[i];
  if (len <= 0.0) return 0;
  *de = (b[0] - a[0]) / len;
  *dn = (b[1] - a[1]) / len;
  return 1;
}

/* The first direction the target ever has: heading_deg or its first leg. */
static void initial_heading(const wl__target_t *tg, double *de, double *dn) {
  const wl__target_spec_t *s = &tg->spec;
  if (!isnan(s->heading_deg)) {
    *de = sin(s->heading_deg * DEG);
    *dn = cos(s->heading_deg * DEG);
    return;
  }
  for (size_t i = 0; i < tg->n_legs; i++)
    if (leg_dir(tg, i, de, dn)) return;
  *de = 1.0;
  *dn = 0.0;
}

void wl__target_pose(const wl__target_t *tg, double t, wl__pose_t *pose) {
  const wl__target_spec_t *s = &tg->spec;
  memset(pose, 0, sizeof *pose);
  if (t < s->start_s || t >= s->end_s) return;
  pose->present = 1;
  initial_heading(tg, &pose->head_e, &pose->head_n);
  pose->east = s->path[0][0];
  pose->north = s->path[0][1];
  if (tg->n_legs == 0) return;

  double left = t - s->start_s, travelled = 0.0;
  if (s->loop && tg->cycle_s > 0.0) {
    double cycles = floor(left / tg->cycle_s);
    left -= cycles * tg->cycle_s;
    double loop_len = 0.0;
    for (size_t i = 0; i < tg->n_legs; i++) loop_len += tg->leg_len_m[i];
    travelled = cycles * loop_len;
    /* Looping targets keep the heading they ended the last loop with. */
    if (cycles > 0)
      for (size_t i = tg->n_legs; i-- > 0;)
        if (leg_dir(tg, i, &pose->head_e, &pose->head_n)) break;
  }
  size_t n = s->n_path;
  for (size_t i = 0;; i++) {
    size_t wp = i % n;
    if (left < s->pause_s[wp] || i == tg->n_legs) {
      /* Standing at waypoint wp (or at the end of a one-way path). */
      pose->east = s->path[wp][0];
      pose->north = s->path[wp][1];
      pose->distance = travelled;
      return;
    }
    left -= s->pause_s[wp];
    double de, dn;
    int has_dir = leg_dir(tg, i, &de, &dn);
    if (has_dir) {
      pose->head_e = de;
      pose->head_n = dn;
    }
    if (left < tg->leg_time_s[i]) {
      double f = left / tg->leg_time_s[i];
      const double *a = s->path[i], *b = s->path[(i + 1) % n];
      pose->east = a[0] + f * (b[0] - a[0]);
      pose->north = a[1] + f * (b[1] - a[1]);
      pose->speed = s->speed_mps;
      pose->distance = travelled + f * tg->leg_len_m[i];
      return;
    }
    left -= tg->leg_time_s[i];
    travelled += tg->leg_len_m[i];
  }
}

/* ------------------------------------------------------------------------ */
/* Silhouettes                                                               */

static void add_prim(wl__shape_t *sh, wl__prim_type_t type, double x0,
                     double z0, double x1, double z1, double r, float level) {
  if (sh->n >= WL__MAX_PRIMS) return;
  wl__prim_t *p = &sh->prim[sh->n++];
  p->type = type;
  p->x0 = (float)x0;
  p->z0 = (float)z0;
  p->x1 = (float)x1;
  p->z1 = (float)z1;
  p->r = (float)r;
  p->level = level;
  if (type != WL__PRIM_CAPSULE) {
    if (p->x1 < MIN_RADIUS_M) p->x1 = MIN_RADIUS_M;
    if (p->z1 < MIN_RADIUS_M) p->z1 = MIN_RADIUS_M;
  }
  if (p->r < 0.0f) p->r = 0.0f;
  if (type == WL__PRIM_CAPSULE && p->r < MIN_RADIUS_M) p->r = MIN_RADIUS_M;
  if (type == WL__PRIM_RBOX) {
    float m = p->x1 < p->z1 ? p->x1 : p->z1;
    if (p->r > m) p->r = m;
  }
  p->inv_x1 = type == WL__PRIM_ELLIPSE ? 1.0f / p->x1 : 0.0f;
  p->inv_z1 = type == WL__PRIM_ELLIPSE ? 1.0f / p->z1 : 0.0f;
  if (type == WL__PRIM_CAPSULE) {
    p->ba0 = fminf(p->x0, p->x1) - p->r;
    p->ba1 = fmaxf(p->x0, p->x1) + p->r;
    p->bz0 = fminf(p->z0, p->z1) - p->r;
    p->bz1 = fmaxf(p->z0, p->z1) + p->r;
  } else {
    p->ba0 = p->x0 - p->x1;
    p->ba1 = p->x0 + p->x1;
    p->bz0 = p->z0 - p->z1;
    p->bz1 = p->z0 + p->z1;
  }
}

static void ellipse(wl__shape_t *sh, double cx, double cz, double rx,
                    double rz, float level) {
  add_prim(sh, WL__PRIM_ELLIPSE, cx, cz, rx, rz, 0.0, level);
}
static void capsule(wl__shape_t *sh, double xa, double za, double xb,
                    double zb, double r, float level) {
  add_prim(sh, WL__PRIM_CAPSULE, xa, za, xb, zb, r, level);
}
static void rbox(wl__shape_t *sh, double cx, double cz, double hw, double hh,
                 double r, float level) {
  add_prim(sh, WL__PRIM_RBOX, cx, cz, hw, hh, r, level);
}

/* How a target presents itself this frame. */
typedef struct look {
  double H, W, L;        /* height, width across, length along, m */
  double s, c;           /* |sin|, |cos| of heading vs line of sight */
  double facing;         /* +1: moving to the image's right, -1: left */
  int approaching;       /* heading towards the camera */
  double phase;          /* gait or flap phase, radians */
  double moving;         /* 1 when moving, else 0 */
  float ground;          /* apparent local ground level, centikelvin */
  float contrast;        /* apparent contrast, centikelvin */
  float hot;             /* apparent hot-spot contrast, centikelvin */
} look_t;

static float lvl(const look_t *k, double f) {
  return k->ground + (float)f * k->contrast;
}

static void person_shape(wl__shape_t *sh, const look_t *k, wl__kind_t kind) {
  double H = k->H, W = k->W, D = k->L, c = k->c, s = k->s;
  int running = kind == WL__KIND_RUNNING;
  double sp = sin(k->phase) * k->moving * k->facing;
  double torso_w = 0.85 * W * c + D * s;
  double thigh_r = 0.042 * H, shin_r = 0.032 * H, arm_r = 0.026 * H;
  double hip_x = 0.16 * W * c;
  double foot_swing = (running ? 0.30 : 0.21) * H * s * sp;
  double knee_swing = 0.55 * foot_swing;
  double arm_swing = (running ? 0.16 : 0.12) * H * s * sp;
  double hand_z = running ? 0.56 * H : 0.45 * H;
  double sh_x = (0.5 * 0.85 * W - 0.3 * arm_r) * c;
  ellipse(sh, 0.0, 0.938 * H, 0.045 * H, 0.062 * H, lvl(k, 1.0));
  capsule(sh, 0.0, 0.83 * H, 0.0, 0.87 * H, 0.03 * H, lvl(k, 0.95));
  capsule(sh, sh_x, 0.80 * H, 1.05 * sh_x - arm_swing, hand_z, arm_r,
          lvl(k, 0.88));
  capsule(sh, -sh_x, 0.80 * H, -1.05 * sh_x + arm_swing, hand_z, arm_r,
          lvl(k, 0.88));
  rbox(sh, 0.0, 0.655 * H, 0.5 * torso_w, 0.165 * H, 0.06 * H, lvl(k, 0.85));
  /* Legs: thigh from the hip to the knee, shin from the knee to the foot. */
  capsule(sh, hip_x, 0.49 * H, hip_x + knee_swing, 0.27 * H, thigh_r,
          lvl(k, 0.8));
  capsule(sh, -hip_x, 0.49 * H, -hip_x - knee_swing, 0.27 * H, thigh_r,
          lvl(k, 0.8));
  capsule(sh, hip_x + knee_swing, 0.27 * H, hip_x + foot_swing, shin_r,
          shin_r, lvl(k, 0.78));
  capsule(sh, -hip_x - knee_swing, 0.27 * H, -hip_x - foot_swing, shin_r,
          shin_r, lvl(k, 0.78));
}

static void crawler_shape(wl__shape_t *sh, const look_t *k) {
  double H = k->H, s = k->s, c = k->c, f = k->facing;
  double leff = k->L * s + k->W * c;
  double head_r = fmin(0.11, 0.3 * H);
  double bob = 0.04 * H * sin(k->phase) * k->moving;
  double elbow = 0.12 * k->L * s * sin(k->phase) * k->moving;
  /* Head raised at the front, torso, then the legs trailing low behind. */
  ellipse(sh, f * (0.5 * leff - head_r) * s, 0.62 * H + bob, head_r, head_r,
          lvl(k, 1.0));
  capsule(sh, f * (0.3 * leff * s) + elbow * f, 0.12 * H,
          f * 0.12 * leff * s, 0.35 * H, 0.06, lvl(k, 0.9));
  ellipse(sh, f * 0.1 * leff * s, 0.5 * H + 0.5 * bob,
          0.27 * k->L * s + 0.5 * k->W * c, 0.5 * H, lvl(k, 0.88));
  double leg_r = 0.07 + 0.12 * c;
  capsule(sh, -f * 0.12 * leff * s, 0.3 * H, -f * (0.5 * leff - 0.07) * s,
          leg_r, leg_r, lvl(k, 0.8));
}

static void vehicle_shape(wl__shape_t *sh, const look_t *k, wl__kind_t kind) {
  double H = k->H, W = k->W, L = k->L, s = k->s, c = k->c, f = k->facing;
  double leff = L * s + W * c;
  int truck = kind == WL__KIND_TRUCK;
  float body = lvl(k, 1.0), glass = lvl(k, 0.2);
  float tyre = body + 0.25f * k->hot * (float)k->moving;
  float engine = k->ground + k->hot, hood = k->ground + 0.4f * k->hot;
  if (hood < body) hood = body;
  float exhaust = k->ground + 0.9f * k->hot;
  int show_front = k->approaching || s > 0.4;
  int show_rear = !k->approaching || s > 0.4;
  double wheel_r = (truck ? 0.17 : 0.22) * H;
  double wheel_x = (0.5 * L - (truck ? 1.3 : 0.9)) * s + (0.5 * W - 0.25) * c;

  if (show_front) {
    ellipse(sh, f * (0.5 * leff - 0.45) * s, (truck ? 0.3 : 0.42) * H,
            0.45 * s + 0.6 * c, 0.14 * H, engine);
    ellipse(sh, f * (0.5 * leff - 0.7) * s, (truck ? 0.33 : 0.45) * H,
            0.9 * s + 0.75 * c, 0.2 * H, hood);
  }
  if (show_rear)
    ellipse(sh, -f * (0.5 * leff - 0.15) * s, (truck ? 0.16 : 0.2) * H, 0.14,
            0.07, exhaust);
  ellipse(sh, wheel_x, wheel_r, wheel_r, wheel_r, tyre);
  ellipse(sh, -wheel_x, wheel_r, wheel_r, wheel_r, tyre);
  if (!truck) {
    double cab_hw = 0.5 * (0.55 * L * s + 0.88 * W * c);
    rbox(sh, -f * 0.06 * leff * s, 0.79 * H, cab_hw, 0.21 * H, 0.12 * H,
         glass);
    rbox(sh, 0.0, 0.39 * H, 0.5 * leff, 0.23 * H, 0.2 * H, body);
    return;
  }
  double cab_len = 0.28 * L;
  double cab_x = f * (0.5 * L - 0.5 * cab_len) * s;
  double cab_hw = 0.5 * (cab_len * s + W * c);
  double cargo_hw = 0.5 * (0.7 * L * s + W * c);
  double cargo_x = -f * 0.15 * L * s;
  if (show_rear)
    capsule(sh, f * (0.5 * L - cab_len - 0.1) * s, 0.5 * H,
            f * (0.5 * L - cab_len - 0.1) * s, H - 0.08, 0.08, exhaust);
  if (!k->approaching) /* the cargo box hides the cab from behind */
    rbox(sh, cargo_x, 0.62 * H, cargo_hw, 0.38 * H, 0.05 * H, lvl(k, 0.5));
  rbox(sh, cab_x, 0.72 * H, 0.9 * cab_hw, 0.1 * H, 0.04 * H, glass);
  rbox(sh, cab_x, 0.52 * H, cab_hw, 0.33 * H, 0.06 * H, body);
  if (k->approaching)
    rbox(sh, cargo_x, 0.62 * H, cargo_hw, 0.38 * H, 0.05 * H, lvl(k, 0.5));
  rbox(sh, 0.0, 0.22 * H, 0.5 * leff, 0.07 * H, 0.02 * H, lvl(k, 0.8));
}

static void animal_shape(wl__shape_t *sh, const look_t *k, wl__kind_t kind) {
  double H = k->H, W = k->W, L = k->L, s = k->s, c = k->c, f = k->facing;
  double sp = sin(k->phase) * k->moving;
  double swing = 0.12 * L * s * sp;
  double spread = 0.3 * W * c;
  double front_x = f * 0.26 * L * s, back_x = -f * 0.3 * L * s;
  double leg_r, leg_top, body_z, body_rz, body_len, body_x;
  double head_rx, head_rz, head_z;
  float body_l, head_l = lvl(k, 1.0);
  if (kind == WL__KIND_SHEEP) {
    leg_r = 0.03; leg_top = 0.45 * H; body_z = 0.6 * H; body_rz = 0.27 * H;
    body_len = 0.8 * L; body_x = -f * 0.1 * L * s;
    head_rx = 0.09; head_rz = 0.12 * H; head_z = 0.75 * H;
    body_l = lvl(k, 0.8);
  } else if (kind == WL__KIND_CAMEL) {
    leg_r = 0.05; leg_top = 0.66 * H; body_z = 0.68 * H; body_rz = 0.13 * H;
    body_len = 0.76 * L; body_x = -f * 0.12 * L * s;
    head_rx = 0.12; head_rz = 0.07 * H; head_z = 0.93 * H;
    body_l = lvl(k, 0.9);
  } else { /* dog */
    leg_r = 0.035; leg_top = 0.55 * H; body_z = 0.58 * H; body_rz = 0.19 * H;
    body_len = 0.72 * L; body_x = -f * 0.14 * L * s;
    head_rx = 0.09; head_rz = 0.15 * H; head_z = 0.85 * H;
    body_l = lvl(k, 0.9);
  }
  double head_x = f * (0.5 * L - head_rx) * s;
  ellipse(sh, head_x, head_z, head_rx * s + 0.6 * head_rx * c, head_rz, head_l);
  if (kind == WL__KIND_CAMEL) {
    capsule(sh, f * 0.2 * L * s, 0.7 * H, head_x, head_z, 0.09, lvl(k, 0.95));
    ellipse(sh, -f * 0.1 * L * s, 0.8 * H, 0.14 * L * s + 0.3 * W * c,
            0.12 * H, body_l);
  } else {
    capsule(sh, f * 0.28 * L * s, body_z, head_x, head_z, 0.05 + 0.3 * body_rz,
            lvl(k, 0.95));
  }
  ellipse(sh, body_x, body_z, 0.5 * (body_len * s + W * c), body_rz, body_l);
  float leg_l = lvl(k, 0.8);
  capsule(sh, front_x + spread, leg_top, front_x + spread + swing, leg_r,
          leg_r, leg_l);
  capsule(sh, front_x - spread, leg_top, front_x - spread - swing, leg_r,
          leg_r, leg_l);
  capsule(sh, back_x + spread, leg_top, back_x + spread - swing, leg_r, leg_r,
          leg_l);
  capsule(sh, back_x - spread, leg_top, back_x - spread + swing, leg_r, leg_r,
          leg_l);
}

static void bird_shape(wl__shape_t *sh, const look_t *k) {
  double H = k->H, W = k->W, L = k->L, s = k->s, c = k->c;
  double span = 0.5 * W * (0.45 + 0.55 * c);
  double flap = sin(k->phase);
  double tip_z = 0.35 * 0.5 * W * flap;
  double tip_x = span * sqrt(fmax(0.0, 1.0 - 0.35 * 0.35 * flap * flap));
  ellipse(sh, 0.0, 0.0, 0.5 * (L * s + H * c), 0.5 * H, lvl(k, 1.0));
  capsule(sh, 0.1 * span, 0.0, tip_x, tip_z, 0.22 * H, lvl(k, 0.7));
  capsule(sh, -0.1 * span, 0.0, -tip_x, tip_z, 0.22 * H, lvl(k, 0.7));
}

/* The local box: symmetric about a = 0 in extent, z from the primitives. */
static void shape_bounds(wl__shape_t *sh) {
  float ext = 0.0f, z0 = INFINITY, z1 = -INFINITY, peak = -INFINITY;
  for (int i = 0; i < sh->n; i++) {
    const wl__prim_t *p = &sh->prim[i];
    float xa = p->ba0, xb = p->ba1, za = p->bz0, zb = p->bz1;
    ext = fmaxf(ext, fmaxf(fabsf(xa), fabsf(xb)));
    z0 = fminf(z0, za);
    z1 = fmaxf(z1, zb);
    peak = fmaxf(peak, p->level);
  }
  /* Swaying bushes lean: widen by the sway at the top. */
  float lean = fabsf(sh->shear) * fmaxf(fabsf(z0), fabsf(z1));
  sh->a0 = -ext - lean;
  sh->a1 = ext + lean;
  sh->z0 = z0;
  sh->z1 = z1;
  sh->peak = peak;
}

/* The level at local (a, z), or 0 with *level untouched outside. */
static inline int shape_eval(const wl__shape_t *sh, float a, float z,
                             float *level) {
  if (a < sh->a0 || a > sh->a1 || z < sh->z0 || z > sh->z1) return 0;
  a -= sh->shear * z;
  for (int i = 0; i < sh->n; i++) {
    const wl__prim_t *p = &sh->prim[i];
    if (a < p->ba0 || a > p->ba1 || z < p->bz0 || z > p->bz1) continue;
    int in;
    if (p->type == WL__PRIM_ELLIPSE) {
      float dx = (a - p->x0) * p->inv_x1, dz = (z - p->z0) * p->inv_z1;
      in = dx * dx + dz * dz <= 1.0f;
    } else if (p->type == WL__PRIM_CAPSULE) {
      float vx = p->x1 - p->x0, vz = p->z1 - p->z0;
      float wx = a - p->x0, wz = z - p->z0;
      float len2 = vx * vx + vz * vz;
      float t = len2 > 0.0f ? (wx * vx + wz * vz) / len2 : 0.0f;
      t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
      float dx = wx - t * vx, dz = wz - t * vz;
      in = dx * dx + dz * dz <= p->r * p->r;
    } else {
      float qx = fabsf(a - p->x0) - (p->x1 - p->r);
      float qz = fabsf(z - p->z0) - (p->z1 - p->r);
      if (qx <= 0.0f && qz <= 0.0f) {
        in = 1;
      } else {
        float mx = qx > 0.0f ? qx : 0.0f, mz = qz > 0.0f ? qz : 0.0f;
        in = mx * mx + mz * mz <= p->r * p->r;
      }
    }
    if (in) {
      *level = p->level;
      return 1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Placement in the image                                                    */

/* The affine map billboard metres -> pixels of one item this frame. */
typedef struct placed {
  double p0u, p0v;      /* the base point (a = 0, z = 0) */
  double au, av, zu, zv; /* pixels per metre across / up */
  double ia, ib, ic, id; /* inverse: (a, z) from pixel offsets */
  double slant;         /* lens to base point, m */
  double u0, v0, u1, v1; /* the silhouette's pixel box, unclipped */
} placed_t;

/* Unit local vertical (ellipsoid normal) at ENU point p. */
static void local_up(const wl_camera_t *cam, const double p[3], double up[3]) {
  double lat, lon, alt;
  wl_camera_enu_to_geodetic(cam, p, &lat, &lon, &alt);
  double n[3] = {cos(lat * DEG) * cos(lon * DEG),
                 cos(lat * DEG) * sin(lon * DEG), sin(lat * DEG)};
  wl_ecef_vec_to_enu(&cam->enu, n, up);
}

/*
 * Project the billboard standing at base (ENU) with local vertical up, of
 * width w and height h metres. Returns 0 when it cannot be seen (behind the
 * camera or degenerate).
 */
static int place(const wl_camera_t *cam, const double base[3],
                 const double up[3], double w, double h, placed_t *pl) {
  double de = base[0], dn = base[1];
  double dl = hypot(de, dn);
  if (dl < 1e-6) {
    de = 0.0;
    dn = 1.0;
  } else {
    de /= dl;
    dn /= dl;
  }
  double right[3] = {dn, -de, 0.0};
  double half = 0.5 * fmax(w, 0.05), hh = fmax(h, 0.05);
  double pr[3], pl_[3], ph[3];
  for (int i = 0; i < 3; i++) {
    pr[i] = base[i] + half * right[i];
    pl_[i] = base[i] - half * right[i];
    ph[i] = base[i] + hh * up[i];
  }
  double ur, vr, ul, vl, uh, vh;
  if (wl_camera_enu_to_pixel(cam, base, &pl->p0u, &pl->p0v) != WL_OK ||
      wl_camera_enu_to_pixel(cam, pr, &ur, &vr) != WL_OK ||
      wl_camera_enu_to_pixel(cam, pl_, &ul, &vl) != WL_OK ||
      wl_camera_enu_to_pixel(cam, ph, &uh, &vh) != WL_OK)
    return 0;
  pl->au = (ur - ul) / (2.0 * half);
  pl->av = (vr - vl) / (2.0 * half);
  pl->zu = (uh - pl->p0u) / hh;
  pl->zv = (vh - pl->p0v) / hh;
  double det = pl->au * pl->zv - pl->zu * pl->av;
  if (!isfinite(det) || fabs(det) < 1e-12) return 0;
  pl->ia = pl->zv / det;
  pl->ib = -pl->zu / det;
  pl->ic = -pl->av / det;
  pl->id = pl->au / det;
  pl->slant = wl_camera_slant_range(cam, base);
  return 1;
}

static void place_box(placed_t *pl, const wl__shape_t *sh) {
  double as[2] = {sh->a0, sh->a1}, zs[2] = {sh->z0, sh->z1};
  pl->u0 = pl->v0 = INFINITY;
  pl->u1 = pl->v1 = -INFINITY;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      double u = pl->p0u + as[i] * pl->au + zs[j] * pl->zu;
      double v = pl->p0v + as[i] * pl->av + zs[j] * pl->zv;
      pl->u0 = fmin(pl->u0, u);
      pl->u1 = fmax(pl->u1, u);
      pl->v0 = fmin(pl->v0, v);
      pl->v1 = fmax(pl->v1, v);
    }
}

/* ------------------------------------------------------------------------ */
/* Rasterisation into the layer                                              */

void wl__mark_tiles(wl_sim_t *sim, int x0, int y0, int x1, int y1) {
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > sim->w) x1 = sim->w;
  if (y1 > sim->h) y1 = sim->h;
  if (x0 >= x1 || y0 >= y1) return;
  for (int ty = y0 / WL__TILE; ty <= (y1 - 1) / WL__TILE; ty++)
    for (int tx = x0 / WL__TILE; tx <= (x1 - 1) / WL__TILE; tx++)
      sim->tile_dirty[ty * sim->tiles_x + tx] = 1;
}

/* The silhouette's area in pixels (for targets cut by the image edge). */
static double shape_area_px(const wl__shape_t *sh, const placed_t *pl) {
  int hits = 0;
  for (int j = 0; j < AREA_GRID; j++)
    for (int i = 0; i < AREA_GRID; i++) {
      float a = sh->a0 + (sh->a1 - sh->a0) * (i + 0.5f) / AREA_GRID;
      float z = sh->z0 + (sh->z1 - sh->z0) * (j + 0.5f) / AREA_GRID;
      float level;
      hits += shape_eval(sh, a, z, &level);
    }
  double det = fabs(pl->au * pl->zv - pl->zu * pl->av);
  return (double)hits / (AREA_GRID * AREA_GRID) * (sh->a1 - sh->a0) *
         (sh->z1 - sh->z0) * det;
}

/*
 * Composite the silhouette into the layer behind what is already there.
 * Returns the visible coverage (pixels), and the total in *total.
 */
static inline double clamp_px(double v) {
  return v < -1e6 ? -1e6 : (v > 1e6 ? 1e6 : v);
}

static double rasterise(wl_sim_t *sim, const wl__shape_t *sh,
                        const placed_t *pl, double *total) {
  int x0 = (int)floor(clamp_px(pl->u0)), x1 = (int)ceil(clamp_px(pl->u1));
  int y0 = (int)floor(clamp_px(pl->v0)), y1 = (int)ceil(clamp_px(pl->v1));
  if (x1 == x0) x1++;
  if (y1 == y0) y1++;
  double box_area = (pl->u1 - pl->u0) * (pl->v1 - pl->v0);
  int clipped = x0 < 0 || y0 < 0 || x1 > sim->w || y1 > sim->h;
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > sim->w) x1 = sim->w;
  if (y1 > sim->h) y1 = sim->h;
  *total = 0.0;
  if (x0 >= x1 || y0 >= y1) return 0.0;
  int n = box_area < 16.0 ? 8 : (box_area < 40000.0 ? 4 : 2);
  float step = 1.0f / n, inv_n2 = 1.0f / (n * n);
  double visible = 0.0, sum_cov = 0.0;
  for (int y = y0; y < y1; y++) {
    float *lc = sim->layer_c + (size_t)y * sim->w;
    float *la = sim->layer_a + (size_t)y * sim->w;
    for (int x = x0; x < x1; x++) {
      int hits = 0;
      float sum = 0.0f;
      for (int j = 0; j < n; j++) {
        double dv = y + (j + 0.5) * step - pl->p0v;
        double du0 = x + 0.5 * step - pl->p0u;
        float a = (float)(pl->ia * du0 + pl->ib * dv);
        float z = (float)(pl->ic * du0 + pl->id * dv);
        float da = (float)(pl->ia * step), dz = (float)(pl->ic * step);
        for (int i = 0; i < n; i++, a += da, z += dz) {
          float level;
          if (shape_eval(sh, a, z, &level)) {
            hits++;
            sum += level;
          }
        }
      }
      if (!hits) continue;
      float cov = hits * inv_n2;
      float w = cov * (1.0f - la[x]);
      lc[x] += w * (sum / hits);
      la[x] += w;
      visible += w;
      sum_cov += cov;
    }
  }
  wl__mark_tiles(sim, x0 - 1, y0 - 1, x1 + 1, y1 + 1);
  *total = clipped ? shape_area_px(sh, pl) : sum_cov;
  if (*total < sum_cov) *total = sum_cov;
  return visible;
}

/* ------------------------------------------------------------------------ */
/* Setup                                                                     */

static int spawn_targets(wl_sim_t *sim, wl__rng_t *rng, size_t *next) {
  const wl_scenario_t *sc = sim->sc;
  for (size_t i = 0; i < sc->n_spawns; i++) {
    const wl__spawn_spec_t *sp = &sc->spawns[i];
    for (size_t c = 0; c < sp->count; c++) {
      wl__target_t *tg = &sim->targets[(*next)++];
      tg->spec = sp->proto;
      tg->owns_path = 1;
      size_t np = (size_t)sp->legs + 1;
      tg->spec.path = calloc(np, sizeof *tg->spec.path);
      tg->spec.pause_s = calloc(np, sizeof *tg->spec.pause_s);
      if (!tg->spec.path || !tg->spec.pause_s) return WL_ENOMEM;
      tg->spec.n_path = np;
      double r = sp->radius_m * sqrt(wl__rng_uniform(rng));
      double th = wl__rng_range(rng, 0, TWO_PI);
      double e = sp->center[0] + r * cos(th), n = sp->center[1] + r * sin(th);
      double hd = sp->heading_deg +
                  wl__rng_range(rng, -0.5, 0.5) * sp->heading_spread_deg;
      tg->spec.path[0][0] = e;
      tg->spec.path[0][1] = n;
      for (size_t k = 1; k < np; k++) {
        double leg = sp->distance_m / sp->legs;
        e += leg * sin(hd * DEG);
        n += leg * cos(hd * DEG);
        tg->spec.path[k][0] = e;
        tg->spec.path[k][1] = n;
        hd += wl__rng_range(rng, -0.5, 0.5) * sp->heading_spread_deg;
      }
      tg->spec.speed_mps *= 1.0 + sp->speed_spread * wl__rng_range(rng, -1, 1);
      tg->spec.start_s += sp->start_spread_s * wl__rng_uniform(rng);
      if (tg->spec.end_s <= tg->spec.start_s) tg->spec.end_s = INFINITY;
      double size = wl__rng_range(rng, 0.92, 1.08);
      tg->spec.height_m *= size;
      tg->spec.width_m *= size;
      tg->spec.length_m *= size;
    }
  }
  return WL_OK;
}

static void place_bushes(wl_sim_t *sim, wl__rng_t *rng) {
  const wl__scene_spec_t *s = &sim->sc->scene;
  size_t want = (size_t)s->vegetation, tries = 0;
  while (sim->n_bushes < want && tries < 50 * want + 100) {
    tries++;
    double u = wl__rng_range(rng, 0, sim->w);
    double hr = sim->horizon_row[(int)u];
    double top = fmax(hr + 6.0, 0.0);
    if (!(top < sim->h - 2)) continue;
    /* Favour the middle distance: uniform in the row, between horizon+6 and
     * the bottom. */
    double v = wl__rng_range(rng, top, sim->h);
    double g[3];
    if (wl_camera_pixel_to_ground(sim->cam, u, v, g) != WL_OK) continue;
    double slant = wl_camera_slant_range(sim->cam, g);
    double fp = wl_camera_footprint_m(sim->cam, slant);
    wl__bush_t *b = &sim->bushes[sim->n_bushes++];
    b->east = g[0];
    b->north = g[1];
    b->height_m = wl__rng_range(rng, 2.0, 4.5) * fp;
    b->width_m = b->height_m * wl__rng_range(rng, 1.0, 1.6);
    b->amp_m = s->sway_px * wl__rng_range(rng, 0.6, 1.2) * fp;
    b->period_s = wl__rng_range(rng, 1.0, 4.0);
    b->phase = wl__rng_range(rng, 0, TWO_PI);
    double c = s->day ? -wl__rng_range(rng, 2.0, 6.0)
                      : (wl__rng_uniform(rng) < 0.5 ? 1.0 : -1.0) *
                            wl__rng_range(rng, 1.5, 4.0);
    b->level = wl__apparent_ck(sim, s->ground_k + c, slant);
  }
}

int wl__targets_init(wl_sim_t *sim, wl_err_t *err) {
  const wl_scenario_t *sc = sim->sc;
  size_t n = sc->n_targets;
  for (size_t i = 0; i < sc->n_spawns; i++) n += sc->spawns[i].count;
  size_t nb = (size_t)sc->scene.vegetation;
  sim->targets = calloc(n + 1, sizeof *sim->targets);
  sim->bushes = calloc(nb + 1, sizeof *sim->bushes);
  sim->items = calloc(n + nb + 1, sizeof *sim->items);
  sim->truth_all = calloc(n + 1, sizeof *sim->truth_all);
  sim->truth_valid = calloc(n + 1, sizeof *sim->truth_valid);
  sim->last_truth = calloc(n + 1, sizeof *sim->last_truth);
  if (!sim->targets || !sim->bushes || !sim->items || !sim->truth_all ||
      !sim->truth_valid || !sim->last_truth)
    return wl_fail(err, WL_ENOMEM, "sim: out of memory for %zu targets", n);
  for (size_t i = 0; i < sc->n_targets; i++)
    sim->targets[i].spec = sc->targets[i];
  wl__rng_t rng;
  wl__rng_seed(&rng, sim->seed, WL__STREAM_TARGETS);
  size_t next = sc->n_targets;
  sim->n_targets = n;
  if (spawn_targets(sim, &rng, &next) != WL_OK)
    return wl_fail(err, WL_ENOMEM, "sim: out of memory for spawned targets");
  for (size_t i = 0; i < n; i++) {
    wl__target_t *tg = &sim->targets[i];
    tg->id = (int)i + 1;
    tg->gait_phase0 = wl__rng_uniform(&rng);
    if (target_prepare(tg) != WL_OK)
      return wl_fail(err, WL_ENOMEM, "sim: out of memory for target paths");
  }
  wl__rng_t brng;
  wl__rng_seed(&brng, sim->seed, WL__STREAM_BUSHES);
  place_bushes(sim, &brng);
  return WL_OK;
}

void wl__targets_free(wl_sim_t *sim) {
  for (size_t i = 0; i < sim->n_targets; i++) {
    wl__target_t *tg = &sim->targets[i];
    if (tg->owns_path) {
      free(tg->spec.path);
      free(tg->spec.pause_s);
    }
    free(tg->leg_time_s);
    free(tg->leg_len_m);
  }
  free(sim->targets);
  free(sim->bushes);
  free(sim->items);
  free(sim->truth_all);
  free(sim->truth_valid);
  free(sim->last_truth);
}

/* ------------------------------------------------------------------------ */
/* Per frame                                                                 */

/* Mean of the static scene on the one-pixel ring around the box (clipped
 * to the image), centikelvin: the target's local background. */
static float local_background(const wl_sim_t *sim, const placed_t *pl) {
  /* Clip first: the ring outside the image is not visited anyway. */
  int x0 = (int)floor(fmax(pl->u0, -1.0)) - 1;
  int x1 = (int)ceil(fmin(pl->u1, sim->w + 1.0));
  int y0 = (int)floor(fmax(pl->v0, -1.0)) - 1;
  int y1 = (int)ceil(fmin(pl->v1, sim->h + 1.0));
  double sum = 0.0;
  long n = 0;
  for (int y = y0; y <= y1; y++) {
    if (y < 0 || y >= sim->h) continue;
    int edge = y == y0 || y == y1;
    for (int x = x0; x <= x1; x += edge ? 1 : (x1 - x0 > 0 ? x1 - x0 : 1)) {
      if (x < 0 || x >= sim->w) continue;
      sum += sim->base[(size_t)y * sim->w + x];
      n++;
    }
  }
  if (n == 0) return sim->ground_ck;
  return (float)(sum / n);
}

/* Shape, placement and truth of target i at time t; 0 when not drawable. */
static int target_setup(wl_sim_t *sim, size_t i, double t, wl__shape_t *sh,
                        placed_t *pl) {
  const wl_camera_t *cam = sim->cam;
  wl__target_t *tg = &sim->targets[i];
  const wl__target_spec_t *s = &tg->spec;
  const wl__kind_info_t *ki = wl__kind_info(s->kind);
  wl__pose_t pose;
  wl__target_pose(tg, t, &pose);
  if (!pose.present) return 0;

  double foot[3], up[3], base[3];
  wl_camera_ground_at(cam, pose.east, pose.north, foot);
  if (!isfinite(foot[2])) return 0;
  local_up(cam, foot, up);
  double alt = s->cls == WL_SIM_BIRD ? s->altitude_m : 0.0;
  for (int k = 0; k < 3; k++) base[k] = foot[k] + alt * up[k];

  double dl = hypot(base[0], base[1]);
  double de = dl > 1e-6 ? base[0] / dl : 0.0;
  double dn = dl > 1e-6 ? base[1] / dl : 1.0;
  double along = pose.head_e * de + pose.head_n * dn;
  double across = pose.head_e * dn - pose.head_n * de; /* onto right */
  look_t k;
  k.H = s->height_m;
  k.W = s->width_m;
  k.L = s->length_m;
  k.c = fabs(along);
  k.s = fabs(across);
  k.facing = across >= 0.0 ? 1.0 : -1.0;
  k.approaching = along < 0.0;
  k.moving = pose.speed > 0.0 ? 1.0 : 0.0;
  if (s->cls == WL_SIM_BIRD)
    k.phase = TWO_PI * (t * ki->stride_m + tg->gait_phase0);
  else
    k.phase = TWO_PI * (pose.distance / ki->stride_m + tg->gait_phase0);
  double slant = sqrt(base[0] * base[0] + base[1] * base[1] +
                      (base[2] - cam->height_m) * (base[2] - cam->height_m));
  double tau = wl__transmission(sim, slant);
  double ground_k = sim->sc->scene.ground_k;
  k.ground = wl__apparent_ck(sim, ground_k, slant);
  k.contrast = (float)(100.0 * tau * s->contrast_k);
  k.hot = (float)(100.0 * tau * s->hot_k);

  sh->n = 0;
  sh->shear = 0.0f;
  switch (s->cls) {
  case WL_SIM_PERSON:
    if (s->kind == WL__KIND_CRAWLING)
      crawler_shape(sh, &k);
    else
      person_shape(sh, &k, s->kind);
    break;
  case WL_SIM_VEHICLE: vehicle_shape(sh, &k, s->kind); break;
  case WL_SIM_ANIMAL: animal_shape(sh, &k, s->kind); break;
  case WL_SIM_BIRD: bird_shape(sh, &k); break;
  }
  shape_bounds(sh);
  /* Ground targets stand on z = 0: nothing shows below the ground. */
  if (s->cls != WL_SIM_BIRD) sh->z0 = 0.0f;
  double width = sh->a1 - sh->a0;
  if (!place(cam, base, up, width, fmax(sh->z1, k.H), pl)) return 0;
  place_box(pl, sh);

  /* Truth, less visibility (known after drawing). */
  wl_sim_truth_t *tr = &sim->truth_all[i];
  memset(tr, 0, sizeof *tr);
  tr->id = tg->id;
  tr->cls = s->cls;
  tr->kind = ki->name;
  tr->x = pl->u0;
  tr->y = pl->v0;
  tr->w = pl->u1 - pl->u0;
  tr->h = pl->v1 - pl->v0;
  if (s->cls == WL_SIM_BIRD) {
    tr->foot_u = 0.5 * (pl->u0 + pl->u1);
    tr->foot_v = pl->v1;
  } else {
    tr->foot_u = pl->p0u;
    tr->foot_v = pl->p0v;
  }
  double galt;
  wl_camera_enu_to_geodetic(cam, foot, &tr->lat, &tr->lon, &galt);
  tr->east = foot[0];
  tr->north = foot[1];
  double bearing;
  wl_camera_range_bearing(cam, foot, &tr->range_m, &bearing);
  tr->contrast_k = (sh->peak - local_background(sim, pl)) / 100.0;
  tr->speed_mps = pose.speed;
  double hd = atan2(pose.head_e, pose.head_n) / DEG;
  tr->heading_deg = hd < 0.0 ? hd + 360.0 : hd;
  tr->altitude_m = alt;
  return 1;
}

static int bush_setup(wl_sim_t *sim, size_t i, double t, wl__shape_t *sh,
                      placed_t *pl) {
  const wl_camera_t *cam = sim->cam;
  const wl__bush_t *b = &sim->bushes[i];
  double foot[3], up[3];
  wl_camera_ground_at(cam, b->east, b->north, foot);
  if (!isfinite(foot[2])) return 0;
  local_up(cam, foot, up);
  double H = b->height_m, W = b->width_m;
  sh->n = 0;
  float lv = b->level;
  ellipse(sh, 0.0, 0.45 * H, 0.5 * W, 0.45 * H, lv);
  ellipse(sh, -0.22 * W, 0.7 * H, 0.26 * W, 0.3 * H, lv);
  ellipse(sh, 0.2 * W, 0.72 * H, 0.24 * W, 0.28 * H, lv);
  double disp = b->amp_m * sin(TWO_PI * t / b->period_s + b->phase);
  sh->shear = (float)(disp / H);
  shape_bounds(sh);
  if (!place(cam, foot, up, W, H, pl)) return 0;
  place_box(pl, sh);
  return 1;
}

/* Insertion sort by distance: nearly sorted from the last frame. */
static void sort_items(wl__item_t *it, size_t n) {
  for (size_t i = 1; i < n; i++) {
    wl__item_t x = it[i];
    size_t j = i;
    while (j > 0 && it[j - 1].dist > x.dist) {
      it[j] = it[j - 1];
      j--;
    }
    it[j] = x;
  }
}

static int box_in_image(const wl_sim_t *sim, const placed_t *pl) {
  return pl->u1 > 0.0 && pl->v1 > 0.0 && pl->u0 < sim->w && pl->v0 < sim->h &&
         isfinite(pl->u0 + pl->u1 + pl->v0 + pl->v1);
}

void wl__targets_draw(wl_sim_t *sim, double t) {
  size_t n_items = 0;
  /* Shapes are rebuilt in the drawing pass; here only the distances. */
  for (size_t i = 0; i < sim->n_targets; i++) {
    sim->truth_valid[i] = 0;
    wl__pose_t pose;
    wl__target_pose(&sim->targets[i], t, &pose);
    if (!pose.present) continue;
    double d2 = pose.east * pose.east + pose.north * pose.north;
    wl__item_t *it = &sim->items[n_items++];
    it->dist = d2;
    it->target = (int)i;
    it->bush = -1;
  }
  for (size_t i = 0; i < sim->n_bushes; i++) {
    const wl__bush_t *b = &sim->bushes[i];
    wl__item_t *it = &sim->items[n_items++];
    it->dist = b->east * b->east + b->north * b->north;
    it->target = -1;
    it->bush = (int)i;
  }
  sort_items(sim->items, n_items);

  wl__shape_t sh;
  placed_t pl;
  for (size_t k = 0; k < n_items; k++) {
    const wl__item_t *it = &sim->items[k];
    double total;
    if (it->target >= 0) {
      size_t i = (size_t)it->target;
      if (!target_setup(sim, i, t, &sh, &pl) || !box_in_image(sim, &pl))
        continue;
      double visible = rasterise(sim, &sh, &pl, &total);
      double vis = total > 0.0 ? visible / total : 0.0;
      if (vis > 1.0) vis = 1.0;
      sim->truth_all[i].visibility = vis;
      wl_sim_truth_t *tr = &sim->truth_all[i];
      /* Clip the box to the image. */
      double x0 = fmax(tr->x, 0.0), y0 = fmax(tr->y, 0.0);
      double x1 = fmin(tr->x + tr->w, sim->w), y1 = fmin(tr->y + tr->h, sim->h);
      tr->x = x0;
      tr->y = y0;
      tr->w = x1 - x0;
      tr->h = y1 - y0;
      sim->truth_valid[i] = vis > 0.0;
    } else {
      if (!bush_setup(sim, (size_t)it->bush, t, &sh, &pl) ||
          !box_in_image(sim, &pl))
        continue;
      rasterise(sim, &sh, &pl, &total);
    }
  }
}
