/*
 * test-eval.c - the assignment solver (against brute force), the MOT and
 * box-label parsers (limits and messages), the tracking metrics (against
 * hand-computed sequences and invariants), the loose-box scoring, and the
 * `watchline eval` command as a user runs it.
 *
 * Hand-computed cases write their arithmetic in comments, following the
 * definitions in docs/METRICS.md (TrackEval's).
 */
#include <stdint.h>
#include <stdlib.h>

#include "task.h"
#include "watchline/assign.h"
#include "watchline/eval.h"

/* ---- helpers ------------------------------------------------------------ */

/* Deterministic xorshift64* so failures reproduce. */
static uint64_t rng_next(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717ULL;
}
static double rng_unit(uint64_t *s) {
  return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}
static int rng_int(uint64_t *s, int n) { return (int)(rng_next(s) % (uint64_t)n); }

static int parse_gt(const char *text, wl_mot_file_t *f, wl_err_t *err) {
  return wl_mot_parse(text, strlen(text), WL_MOT_GT, "gt.txt", f, err);
}
static int parse_pred(const char *text, wl_mot_file_t *f, wl_err_t *err) {
  return wl_mot_parse(text, strlen(text), WL_MOT_PRED, "pred.txt", f, err);
}

/* Score two MOT texts; 0 on success. */
static int score_texts(const char *gt_text, const char *pred_text, int cls,
                       wl_mot_score_t *s, wl_err_t *err) {
  wl_mot_file_t gt, pred;
  int rc = parse_gt(gt_text, &gt, err);
  if (rc) return rc;
  rc = parse_pred(pred_text, &pred, err);
  if (rc) {
    wl_mot_free(&gt);
    return rc;
  }
  wl_mot_options_t opt;
  wl_mot_default_options(&opt);
  opt.cls = cls;
  rc = wl_eval_mot(&gt, &pred, &opt, s, err);
  wl_mot_free(&gt);
  wl_mot_free(&pred);
  return rc;
}

static int write_file(const char *path, const char *text) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return -1;
  size_t n = strlen(text);
  int ok = fwrite(text, 1, n, fp) == n;
  return fclose(fp) == 0 && ok ? 0 : -1;
}

/* ---- assignment: brute force ------------------------------------------- */

typedef struct brute {
  const double *cost;
  int rows, cols;
  double gate;
  int best_count;
  double best_cost;
  unsigned used;
} brute_t;

static int brute_allowed(const brute_t *b, int r, int c) {
  double x = b->cost[r * b->cols + c];
  return isfinite(x) && x <= b->gate;
}

/* Every partial matching: row r takes a free allowed column or none. */
static void brute_walk(brute_t *b, int r, int count, double cost) {
  if (r == b->rows) {
    if (count > b->best_count ||
        (count == b->best_count && cost < b->best_cost)) {
      b->best_count = count;
      b->best_cost = cost;
    }
    return;
  }
  brute_walk(b, r + 1, count, cost);
  for (int c = 0; c < b->cols; c++) {
    if ((b->used >> c) & 1u || !brute_allowed(b, r, c)) continue;
    b->used |= 1u << c;
    brute_walk(b, r + 1, count + 1, cost + b->cost[r * b->cols + c]);
    b->used &= ~(1u << c);
  }
}

/* The solver's answer must be a valid matching of the brute-force optimum:
 * the most pairs, then the least cost. */
TEST_IMPL(eval_assign_brute_force) {
  uint64_t seed = 0x5eed1234abcdULL;
  enum { MAXN = 7 };
  size_t work_size = wl_assign_workspace_size(MAXN, MAXN);
  ASSERT_GT(work_size, 0);
  void *work = malloc(work_size);
  ASSERT(work != NULL);
  double cost[MAXN * MAXN];
  int r2c[MAXN], c2r[MAXN];
  wl_err_t err;
  int checked_full = 0;
  for (int trial = 0; trial < 3000; trial++) {
    int rows = rng_int(&seed, MAXN + 1), cols = rng_int(&seed, MAXN + 1);
    int style = trial % 4; /* 0 reals, 1 small ints (ties), 2/3 + forbidden */
    double p_forbid = style == 2 ? 0.3 : style == 3 ? 0.7 : 0.0;
    double gate = (trial % 5 == 0) ? 5.0 : WL_ASSIGN_FORBIDDEN;
    for (int i = 0; i < rows * cols; i++) {
      double v = style == 1 ? (double)(rng_int(&seed, 5) - 2)
                            : 20.0 * rng_unit(&seed) - 10.0;
      if (rng_unit(&seed) < p_forbid) v = (i % 2) ? INFINITY : NAN;
      cost[i] = v;
    }
    double total = -1.0;
    int got = wl_assign_solve(rows * cols != 0 ? cost : NULL, rows, cols,
                              (size_t)cols, gate, work, work_size, r2c, c2r,
                              &total, &err);
    ASSERT_GE(got, 0);
    brute_t b = {cost, rows, cols, gate, 0, 0.0, 0};
    brute_walk(&b, 0, 0, 0.0);
    ASSERT_EQ(got, b.best_count);
    ASSERT_NEAR(total, b.best_cost, 1e-9);
    /* The returned matching is one-to-one, allowed, and sums to total. */
    int count = 0;
    double sum = 0.0;
    for (int r = 0; r < rows; r++) {
      if (r2c[r] < 0) continue;
      ASSERT_LT(r2c[r], cols);
      ASSERT_EQ(c2r[r2c[r]], r);
      ASSERT(brute_allowed(&b, r, r2c[r]));
      sum += cost[r * cols + r2c[r]];
      count++;
    }
    for (int c = 0; c < cols; c++)
      if (c2r[c] >= 0) ASSERT_EQ(r2c[c2r[c]], c);
    ASSERT_EQ(count, got);
    ASSERT_NEAR(sum, total, 1e-9);
    if (rows == MAXN && cols == MAXN) checked_full++;
  }
  ASSERT_GT(checked_full, 10);
  free(work);
  return 0;
}

TEST_IMPL(eval_assign_degenerate) {
  wl_err_t err;
  size_t ws = wl_assign_workspace_size(4, 4);
  void *work = malloc(ws);
  ASSERT(work != NULL);
  int r2c[4], c2r[4];
  double total;

  /* 0 rows, 0 cols: nothing matched, outputs cleared. */
  c2r[0] = 7;
  ASSERT_EQ(wl_assign_solve(NULL, 0, 3, 3, INFINITY, work, ws, r2c, c2r,
                            &total, &err), 0);
  ASSERT_EQ(c2r[0], -1);
  r2c[0] = 7;
  ASSERT_EQ(wl_assign_solve(NULL, 2, 0, 0, INFINITY, work, ws, r2c, c2r,
                            &total, &err), 0);
  ASSERT_EQ(r2c[0], -1);
  ASSERT_EQ(r2c[1], -1);

  /* All forbidden (inf, NaN, above the gate): nothing matched. */
  double forb[6] = {INFINITY, NAN, 50.0, -INFINITY, 60.0, INFINITY};
  ASSERT_EQ(wl_assign_solve(forb, 2, 3, 3, 10.0, work, ws, r2c, c2r, &total,
                            &err), 0);
  ASSERT_EQ(r2c[0], -1);
  ASSERT_EQ(r2c[1], -1);
  ASSERT_NEAR(total, 0.0, 0.0);

  /* Ties: all costs equal: a perfect matching of cost 4 * 2.5. */
  double tie[16];
  for (int i = 0; i < 16; i++) tie[i] = 2.5;
  ASSERT_EQ(wl_assign_solve(tie, 4, 4, 4, INFINITY, work, ws, r2c, c2r,
                            &total, &err), 4);
  ASSERT_NEAR(total, 10.0, 1e-12);

  /* The most pairs come first: matching r0-c0 alone costs 0, but r0-c1 +
   * r1-c0 matches two pairs (cost 100), which wins. */
  double card[4] = {0.0, 100.0, 0.0, INFINITY};
  ASSERT_EQ(wl_assign_solve(card, 2, 2, 2, INFINITY, work, ws, r2c, c2r,
                            &total, &err), 2);
  ASSERT_EQ(r2c[0], 1);
  ASSERT_EQ(r2c[1], 0);
  ASSERT_NEAR(total, 100.0, 1e-12);

  /* Rectangular, rows > cols, and a stride wider than cols. */
  double tall[3 * 4] = {5, 1, -99, -99,  /* row 0: c1 */
                        1, 5, -99, -99,  /* row 1: c0 */
                        3, 3, -99, -99}; /* row 2: left out (3 + 1 > 2) */
  ASSERT_EQ(wl_assign_solve(tall, 3, 2, 4, INFINITY, work, ws, r2c, c2r,
                            &total, &err), 2);
  ASSERT_EQ(r2c[0], 1);
  ASSERT_EQ(r2c[1], 0);
  ASSERT_EQ(r2c[2], -1);
  ASSERT_NEAR(total, 2.0, 1e-12);

  /* Errors: small or misaligned workspace, huge costs, bad sizes. */
  ASSERT_EQ(wl_assign_solve(tie, 4, 4, 4, INFINITY, work, ws - 1, r2c, c2r,
                            &total, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "workspace");
  ASSERT_EQ(wl_assign_solve(tie, 4, 4, 4, INFINITY, (char *)work + 1, ws,
                            r2c, c2r, &total, &err), WL_EINVAL);
  double huge[1] = {1e300};
  ASSERT_EQ(wl_assign_solve(huge, 1, 1, 1, INFINITY, work, ws, r2c, c2r,
                            &total, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "cost[0][0]");
  ASSERT_EQ(wl_assign_solve(tie, 4, 4, 3, INFINITY, work, ws, r2c, c2r,
                            &total, &err), WL_EINVAL);
  ASSERT_EQ(wl_assign_workspace_size(-1, 3), 0);
  ASSERT_EQ(wl_assign_workspace_size(3, WL_ASSIGN_MAX_DIM + 1), 0);
  ASSERT_EQ(wl_assign_solve(tie, -1, 4, 4, INFINITY, work, ws, r2c, c2r,
                            &total, &err), WL_EINVAL);
  free(work);
  return 0;
}

/* One workspace sized for the largest problem serves every smaller one,
 * and a 200 x 200 problem (a busy tracker frame) solves quickly and
 * correctly: a permuted diagonal of zeros among costs >= 1. */
TEST_IMPL(eval_assign_reuse_large) {
  enum { N = 200 };
  wl_err_t err;
  size_t ws = wl_assign_workspace_size(N, N);
  void *work = malloc(ws);
  double *cost = malloc(sizeof(double) * N * N);
  int *r2c = malloc(sizeof(int) * N), *perm = malloc(sizeof(int) * N);
  ASSERT(work && cost && r2c && perm);
  uint64_t seed = 99;
  for (int size = 1; size <= N; size += 33) {
    for (int i = 0; i < size; i++) perm[i] = i;
    for (int i = size - 1; i > 0; i--) {
      int j = rng_int(&seed, i + 1), t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    for (int r = 0; r < size; r++)
      for (int c = 0; c < size; c++)
        cost[r * size + c] = c == perm[r] ? 0.0 : 1.0 + rng_unit(&seed);
    double total;
    ASSERT_EQ(wl_assign_solve(cost, size, size, (size_t)size, INFINITY, work,
                              ws, r2c, NULL, &total, &err), size);
    ASSERT_NEAR(total, 0.0, 1e-9);
    for (int r = 0; r < size; r++) ASSERT_EQ(r2c[r], perm[r]);
  }
  free(work);
  free(cost);
  free(r2c);
  free(perm);
  return 0;
}

/* ---- MOT parser ---------------------------------------------------------- */

TEST_IMPL(eval_motfile_parse) {
  wl_err_t err;
  wl_mot_file_t f;
  /* 6, 7, 9 and 10 fields; CRLF; blank lines; spaces; "2.0" as integer. */
  const char *text = "1,1,10.5,20,30,40\r\n"
                     "\n"
                     "  1 , 2 , -5 , 0 , 1e1 , 2.5E+1 , 0 \r\n"
                     "2.0,1,11,21,30,40,1,3,0.25\n"
                     "3,7,1,2,3,4,1,2,1,-1";
  ASSERT_OK(parse_gt(text, &f, &err), &err);
  ASSERT_EQ(f.n, 4);
  ASSERT_EQ(f.max_frame, 3);
  ASSERT_EQ(f.rows[0].frame, 1);
  ASSERT_NEAR(f.rows[0].x, 10.5, 0);
  ASSERT_NEAR(f.rows[0].conf, 1.0, 0); /* absent: 1 */
  ASSERT_EQ(f.rows[0].cls, -1);        /* absent: -1 */
  ASSERT_EQ(f.rows[1].id, 2);
  ASSERT_NEAR(f.rows[1].w, 10.0, 0);
  ASSERT_NEAR(f.rows[1].h, 25.0, 0);
  ASSERT_NEAR(f.rows[1].conf, 0.0, 0);
  ASSERT_EQ(f.rows[1].line, 3);
  ASSERT_EQ(f.rows[2].frame, 2);
  ASSERT_EQ(f.rows[2].cls, 3);
  ASSERT_NEAR(f.rows[2].visibility, 0.25, 0);
  ASSERT_EQ(f.rows[3].cls, 2);
  wl_mot_free(&f);
  wl_mot_free(&f); /* twice is fine */
  wl_mot_free(NULL);

  /* Predictions: fields 8-10 are numbers but unused (world x, y, z). */
  ASSERT_OK(parse_pred("4,3,1,2,3,4,0.9,12.5,-3,7\n", &f, &err), &err);
  ASSERT_EQ(f.rows[0].cls, -1);
  ASSERT_NEAR(f.rows[0].conf, 0.9, 0);
  wl_mot_free(&f);

  /* Empty input is an empty file, not an error. */
  ASSERT_OK(parse_pred("", &f, &err), &err);
  ASSERT_EQ(f.n, 0);
  ASSERT_EQ(f.max_frame, 0);
  wl_mot_free(&f);
  ASSERT_OK(parse_pred("\n \r\n", &f, &err), &err);
  ASSERT_EQ(f.n, 0);
  wl_mot_free(&f);
  return 0;
}

/* Each bad input fails with WL_EFORMAT / WL_ETOOBIG and a message naming
 * file, line, field and value. */
TEST_IMPL(eval_motfile_errors) {
  static const struct {
    const char *text;
    int code;
    const char *msg;
  } cases[] = {
      {"1,1,1,1,1,1\n1,2,abc,1,1,1\n", WL_EFORMAT,
       "gt.txt:2: field 3 (x): 'abc' is not a number"},
      {"1,1,nan,1,1,1\n", WL_EFORMAT, "field 3 (x): 'nan' is not a number"},
      {"1,1,1,inf,1,1\n", WL_EFORMAT, "field 4 (y): 'inf' is not a number"},
      {"1,1,1,1,1e999,1\n", WL_EFORMAT,
       "field 5 (w): '1e999' is not a finite number"},
      {"1,1,1,1,0x10,1\n", WL_EFORMAT, "field 5 (w): '0x10' is not a number"},
      {"1,1,1,1,0,5\n", WL_EFORMAT, "gt.txt:1: box size 0x5 is empty"},
      {"1,1,1,1,5,-2\n", WL_EFORMAT, "field 6 (h): -2 is outside 0..1e+06"},
      {"0,1,1,1,1,1\n", WL_EFORMAT, "field 1 (frame): 0 is outside 1..10000000"},
      {"1,-1,1,1,1,1\n", WL_EFORMAT, "field 2 (id): -1 is outside 0..999999999"},
      {"1,1.5,1,1,1,1\n", WL_EFORMAT, "field 2 (id): '1.5' is not an integer"},
      {"1,1,1,1,1\n", WL_EFORMAT, "gt.txt:1: line has 5 fields"},
      {"1,1,1,1,1,1,1,1,1,1,1\n", WL_EFORMAT, "line has 11 fields"},
      {"1,1,,1,1,1\n", WL_EFORMAT, "field 3 (x) is empty"},
      {"1,1,1,1,1,1,1,2.5\n", WL_EFORMAT,
       "field 8 (class): '2.5' is not an integer"},
      {"1,1,1,1,1,1,1,1,x\n", WL_EFORMAT, "field 9 (visibility): 'x'"},
      {"1,1,2e6,1,1,1\n", WL_EFORMAT, "field 3 (x): 2e6 is outside"},
      {"1,1,1,1,1,1\n2,1,1,1,1,1\n1,1,5,5,1,1\n", WL_EFORMAT,
       "gt.txt:3: id 1 appears twice in frame 1 (also line 1)"},
      {"1,1,1,1,1,1\n1,2,1 1,1,1,1\n", WL_EFORMAT, "'1 1' is not a number"},
  };
  wl_err_t err;
  wl_mot_file_t f;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    int rc = parse_gt(cases[i].text, &f, &err);
    if (rc != cases[i].code)
      TEST_FAIL_("case %zu: code %d, want %d (%s)", i, rc, cases[i].code,
                 err.msg);
    ASSERT_STR_CONTAINS(err.msg, cases[i].msg);
    ASSERT(f.rows == NULL && f.n == 0);
  }
  /* A NUL byte inside a field is an invalid character, shown as '?'. */
  static const char nul_text[] = "1,1,1\0002,1,1,1\n";
  ASSERT_EQ(wl_mot_parse(nul_text, sizeof nul_text - 1, WL_MOT_PRED, "p.txt",
                         &f, &err), WL_EFORMAT);
  ASSERT_STR_CONTAINS(err.msg, "p.txt:1: field 3 (x): '1?2' is not a number");

  /* Line length limit. */
  char *long_line = malloc(WL_MOT_MAX_LINE + 64);
  ASSERT(long_line != NULL);
  memset(long_line, ' ', WL_MOT_MAX_LINE + 10);
  memcpy(long_line, "1,1,1,1,1,1", 11);
  long_line[WL_MOT_MAX_LINE + 10] = '\0';
  ASSERT_EQ(parse_gt(long_line, &f, &err), WL_ETOOBIG);
  ASSERT_STR_CONTAINS(err.msg, "gt.txt:1: line is longer than 1024 bytes");
  free(long_line);

  /* Rows per frame limit. */
  size_t cap = (WL_MOT_MAX_PER_FRAME + 1) * 32;
  char *many = malloc(cap), *p = many;
  ASSERT(many != NULL);
  for (int i = 0; i <= WL_MOT_MAX_PER_FRAME; i++)
    p += sprintf(p, "5,%d,1,1,1,1\n", i);
  ASSERT_EQ(parse_gt(many, &f, &err), WL_ETOOBIG);
  ASSERT_STR_CONTAINS(err.msg, "frame 5 has more than 1000 rows");
  free(many);

  /* Files: missing, and a real one. */
  ASSERT_EQ(wl_mot_read("/nonexistent/gt.txt", WL_MOT_GT, &f, &err),
            WL_ENOTFOUND);
  ASSERT_STR_CONTAINS(err.msg, "/nonexistent/gt.txt: cannot open");
  const char *path = test_path(test_tmpdir(), "gt.txt");
  ASSERT_EQ(write_file(path, "1,1,1,1,1,1\n1,2,3,4,5,x\n"), 0);
  ASSERT_EQ(wl_mot_read(path, WL_MOT_GT, &f, &err), WL_EFORMAT);
  ASSERT_STR_CONTAINS(err.msg, "gt.txt:2: field 6 (h): 'x' is not a number");
  ASSERT_STR_CONTAINS(err.msg, path);
  return 0;
}

/* ---- tracking metrics: hand-computed cases ------------------------------ */

/* All 19 alphas pass IoU 1, so per-alpha values equal their means. */

TEST_IMPL(eval_mot_perfect) {
  /* Two objects, three frames; the tracker uses other ids (7, 9). */
  const char *gt = "1,1,10,10,20,20,1,1,1\n1,2,100,10,20,20,1,1,1\n"
                   "2,1,12,10,20,20,1,1,1\n2,2,98,10,20,20,1,1,1\n"
                   "3,1,14,10,20,20,1,1,1\n3,2,96,10,20,20,1,1,1\n";
  const char *pred = "1,7,10,10,20,20,0.9,-1,-1,-1\n1,9,100,10,20,20,1,-1,-1,-1\n"
                     "2,7,12,10,20,20,1,-1,-1,-1\n2,9,98,10,20,20,1,-1,-1,-1\n"
                     "3,7,14,10,20,20,1,-1,-1,-1\n3,9,96,10,20,20,1,-1,-1,-1\n";
  wl_mot_score_t s;
  wl_err_t err;
  ASSERT_OK(score_texts(gt, pred, -1, &s, &err), &err);
  ASSERT_NEAR(s.hota, 1.0, 1e-12);
  ASSERT_NEAR(s.deta, 1.0, 1e-12);
  ASSERT_NEAR(s.assa, 1.0, 1e-12);
  ASSERT_NEAR(s.loca, 1.0, 1e-12);
  ASSERT_NEAR(s.mota, 1.0, 1e-12);
  ASSERT_NEAR(s.motp, 1.0, 1e-12);
  ASSERT_NEAR(s.idf1, 1.0, 1e-12);
  ASSERT_EQ(s.idsw, 0);
  ASSERT_EQ(s.fp, 0);
  ASSERT_EQ(s.fn, 0);
  ASSERT_EQ(s.tp, 6);
  ASSERT_EQ(s.mt, 2);
  ASSERT_EQ(s.frag, 0);
  ASSERT_EQ(s.gt_dets, 6);
  ASSERT_EQ(s.gt_ids, 2);
  ASSERT_EQ(s.pred_ids, 2);
  ASSERT_EQ(s.frames, 3);
  return 0;
}

TEST_IMPL(eval_mot_empty_prediction) {
  /* 6 GT detections, no prediction: every GT detection is a FN.
   * HOTA: TP 0 -> DetA 0, AssA 0/max(1,0) = 0, HOTA 0.
   * CLEAR: MOTA = (0 - 0 - 0) / 6 = 0; both ids mostly lost.
   * Identity: IDTP 0 -> IDF1 0, IDFN 6. */
  const char *gt = "1,1,10,10,20,20,1,1,1\n1,2,100,10,20,20,1,1,1\n"
                   "2,1,12,10,20,20,1,1,1\n2,2,98,10,20,20,1,1,1\n"
                   "3,1,14,10,20,20,1,1,1\n3,2,96,10,20,20,1,1,1\n";
  wl_mot_score_t s;
  wl_err_t err;
  ASSERT_OK(score_texts(gt, "", -1, &s, &err), &err);
  ASSERT_NEAR(s.hota, 0.0, 0);
  ASSERT_NEAR(s.deta, 0.0, 0);
  ASSERT_NEAR(s.assa, 0.0, 0);
  ASSERT_NEAR(s.mota, 0.0, 0);
  ASSERT_NEAR(s.idf1, 0.0, 0);
  ASSERT_EQ(s.fn, 6);
  ASSERT_EQ(s.fp, 0);
  ASSERT_EQ(s.idsw, 0);
  ASSERT_EQ(s.idfn, 6);
  ASSERT_EQ(s.ml, 2);
  ASSERT_NEAR(s.loca, 1.0, 0); /* TrackEval: max(1e-10,0)/max(1e-10,0) */
  /* And the mirror: predictions, no GT: MOTA = -FP / max(1, 0) = -3. */
  const char *pred = "1,1,10,10,20,20,1\n2,1,10,10,20,20,1\n3,1,10,10,20,20,1\n";
  ASSERT_OK(score_texts("", pred, -1, &s, &err), &err);
  ASSERT_EQ(s.fp, 3);
  ASSERT_NEAR(s.mota, -3.0, 0);
  ASSERT_NEAR(s.hota, 0.0, 0);
  ASSERT_NEAR(s.idf1, 0.0, 0);
  return 0;
}

TEST_IMPL(eval_mot_id_switch) {
  /* GT id 1 in frames 1-4 (box A); the tracker follows it exactly as id 1
   * in frames 1-2 and as id 2 in frames 3-4. Every IoU is 1.
   * CLEAR: 4 TP; frame 3 matches pred 2 while gt 1 was last matched to
   *   pred 1: IDSW 1. MOTA = (4 - 0 - 1) / 4 = 0.75. MOTP 1.
   * HOTA: per frame one pair, IoU 1, weight 1/(1+1-1) = 1.
   *   gt count 4, pred 1 count 2, pred 2 count 2; potential matches 2, 2.
   *   At every alpha: TP 4, FN 0, FP 0 -> DetA 1.
   *   AssA = (2 * 2/(4+2-2) + 2 * 2/(4+2-2)) / 4 = (1 + 1) / 4 = 0.5.
   *   HOTA = sqrt(1 * 0.5) = 0.70710678. AssRe = (2*2/4 + 2*2/4)/4 = 0.5,
   *   AssPr = (2*2/2 + 2*2/2)/4 = 1.
   * Identity: gt 1 - pred 1 or pred 2, 2 frames each: IDTP 2, IDFN 2,
   *   IDFP 2, IDF1 = 2 / (2 + 1 + 1) = 0.5. */
  const char *gt = "1,1,10,10,20,20,1,1,1\n2,1,10,10,20,20,1,1,1\n"
                   "3,1,10,10,20,20,1,1,1\n4,1,10,10,20,20,1,1,1\n";
  const char *pred = "1,1,10,10,20,20,1,-1,-1,-1\n2,1,10,10,20,20,1,-1,-1,-1\n"
                     "3,2,10,10,20,20,1,-1,-1,-1\n4,2,10,10,20,20,1,-1,-1,-1\n";
  wl_mot_score_t s;
  wl_err_t err;
  ASSERT_OK(score_texts(gt, pred, -1, &s, &err), &err);
  ASSERT_EQ(s.tp, 4);
  ASSERT_EQ(s.idsw, 1);
  ASSERT_NEAR(s.mota, 0.75, 1e-12);
  ASSERT_NEAR(s.motp, 1.0, 1e-12);
  ASSERT_NEAR(s.deta, 1.0, 1e-12);
  ASSERT_NEAR(s.assa, 0.5, 1e-12);
  ASSERT_NEAR(s.hota, sqrt(0.5), 1e-12);
  ASSERT_NEAR(s.assre, 0.5, 1e-12);
  ASSERT_NEAR(s.asspr, 1.0, 1e-12);
  ASSERT_EQ(s.idtp, 2);
  ASSERT_EQ(s.idfn, 2);
  ASSERT_EQ(s.idfp, 2);
  ASSERT_NEAR(s.idf1, 0.5, 1e-12);
  ASSERT_EQ(s.mt, 1);
  ASSERT_EQ(s.frag, 0);
  for (int a = 0; a < WL_HOTA_ALPHAS; a++)
    ASSERT_NEAR(s.hota_alpha[a], sqrt(0.5), 1e-12);
  return 0;
}

TEST_IMPL(eval_mot_fragmented_track) {
  /* GT id 1 in frames 1-6; the tracker has id 5 in frames 1-3, nothing in
   * frame 4, id 6 in frames 5-6 (all exact boxes).
   * CLEAR: TP 5, FN 1 (frame 4), FP 0; frame 5 matches pred 6 after pred
   *   5: IDSW 1. MOTA = (5 - 0 - 1) / 6 = 0.666667. Tracked 5/6 > 0.8: MT.
   *   Frag 0: TrackEval skips a frame without predictions before its
   *   "tracked in the previous step" bookkeeping, so frame 5 continues
   *   the stretch started in frame 1 (one stretch -> Frag 1 - 1 = 0).
   * HOTA: gt count 6, pred 5 count 3, pred 6 count 2; TP 5, FN 1, FP 0 at
   *   every alpha -> DetA = 5/6.
   *   AssA = (3 * 3/(6+3-3) + 2 * 2/(6+2-2)) / 5 = (1.5 + 0.666667) / 5
   *        = 0.433333; HOTA = sqrt(5/6 * 0.433333) = 0.600925.
   * Identity: gt 1 - pred 5 (3 frames): IDTP 3, IDFN 6-3 = 3,
   *   IDFP 5-3 = 2, IDF1 = 3 / (3 + 1 + 1.5) = 0.545455. */
  const char *gt = "1,1,10,10,20,20,1,1,1\n2,1,10,10,20,20,1,1,1\n"
                   "3,1,10,10,20,20,1,1,1\n4,1,10,10,20,20,1,1,1\n"
                   "5,1,10,10,20,20,1,1,1\n6,1,10,10,20,20,1,1,1\n";
  const char *pred = "1,5,10,10,20,20,1\n2,5,10,10,20,20,1\n3,5,10,10,20,20,1\n"
                     "5,6,10,10,20,20,1\n6,6,10,10,20,20,1\n";
  wl_mot_score_t s;
  wl_err_t err;
  ASSERT_OK(score_texts(gt, pred, -1, &s, &err), &err);
  ASSERT_EQ(s.tp, 5);
  ASSERT_EQ(s.fn, 1);
  ASSERT_EQ(s.fp, 0);
  ASSERT_EQ(s.idsw, 1);
  ASSERT_NEAR(s.mota, 4.0 / 6.0, 1e-12);
  ASSERT_EQ(s.mt, 1);
  ASSERT_EQ(s.frag, 0);
  ASSERT_NEAR(s.deta, 5.0 / 6.0, 1e-12);
  ASSERT_NEAR(s.assa, (1.5 + 2.0 / 3.0) / 5.0, 1e-12);
  ASSERT_NEAR(s.hota, sqrt(5.0 / 6.0 * (1.5 + 2.0 / 3.0) / 5.0), 1e-12);
  ASSERT_EQ(s.idtp, 3);
  ASSERT_EQ(s.idfn, 3);
  ASSERT_EQ(s.idfp, 2);
  ASSERT_NEAR(s.idf1, 3.0 / 5.5, 1e-12);

  /* With a false positive elsewhere in frame 4 the tracker is not empty
   * there, so the stretch breaks: Frag 1, and FP 1.
   * MOTA = (5 - 1 - 1) / 6 = 0.5. */
  const char *pred2 = "1,5,10,10,20,20,1\n2,5,10,10,20,20,1\n3,5,10,10,20,20,1\n"
                      "4,9,200,200,5,5,1\n"
                      "5,6,10,10,20,20,1\n6,6,10,10,20,20,1\n";
  ASSERT_OK(score_texts(gt, pred2, -1, &s, &err), &err);
  ASSERT_EQ(s.frag, 1);
  ASSERT_EQ(s.fp, 1);
  ASSERT_NEAR(s.mota, 0.5, 1e-12);
  return 0;
}

TEST_IMPL(eval_mot_false_positive_track) {
  /* GT id 1 in frames 1-3, tracked exactly by pred 1; pred 2 is a false
   * track far away in the same frames.
   * CLEAR: TP 3, FP 3, FN 0 -> MOTA = (3 - 3 - 0) / 3 = 0.
   * HOTA: DetA = 3 / (3 + 0 + 3) = 0.5, DetRe 1, DetPr 0.5.
   *   Potential matches gt1-pred1: 3 (weight 1/(1+1-1) each; pred 2's
   *   column is 0), alignment 3/(3+3-3) = 1; AssA = 3 * 1 / 3 = 1.
   *   HOTA = sqrt(0.5 * 1) = 0.707107.
   * Identity: IDTP 3, IDFN 0, IDFP 6 - 3 = 3: IDF1 = 3 / (3+1.5) = 2/3. */
  const char *gt = "1,1,10,10,20,20,1,1,1\n2,1,11,10,20,20,1,1,1\n"
                   "3,1,12,10,20,20,1,1,1\n";
  const char *pred = "1,1,10,10,20,20,1\n1,2,300,300,20,20,1\n"
                     "2,1,11,10,20,20,1\n2,2,300,300,20,20,1\n"
                     "3,1,12,10,20,20,1\n3,2,300,300,20,20,1\n";
  wl_mot_score_t s;
  wl_err_t err;
  ASSERT_OK(score_texts(gt, pred, -1, &s, &err), &err);
  ASSERT_EQ(s.tp, 3);
  ASSERT_EQ(s.fp, 3);
  ASSERT_EQ(s.fn, 0);
  ASSERT_NEAR(s.mota, 0.0, 1e-12);
  ASSERT_NEAR(s.deta, 0.5, 1e-12);
  ASSERT_NEAR(s.detre, 1.0, 1e-12);
  ASSERT_NEAR(s.detpr, 0.5, 1e-12);
  ASSERT_NEAR(s.assa, 1.0, 1e-12);
  ASSERT_NEAR(s.hota, sqrt(0.5), 1e-12);
  ASSERT_NEAR(s.idf1, 2.0 / 3.0, 1e-12);
  ASSERT_EQ(s.idfp, 3);
  return 0;
}

TEST_IMPL(eval_mot_partial_overlap) {
  /* GT box 10x10, prediction its top 10x6.3 part: IoU = 63/100 = 0.63 in
   * both frames, same ids.
   * HOTA: alphas 0.05..0.60 (12 of 19) pass: DetA_a = AssA_a = HOTA_a = 1;
   *   alphas 0.65..0.95 (7) fail: TP 0 -> 0. HOTA = DetA = AssA = 12/19.
   *   LocA: 0.63 on the 12 passing alphas, 1 (TrackEval's 1e-10/1e-10)
   *   on the 7 others: (12 * 0.63 + 7) / 19 = 0.766316.
   * CLEAR: IoU >= 0.5: TP 2, MOTA 1, MOTP 0.63. Identity: IDF1 1.
   * A 10x4.4 prediction (IoU 0.44) passes 8 alphas (0.05..0.40) and is not
   * a CLEAR match: FP 2, FN 2, MOTA (0 - 2) / 2 = -1, IDF1 0. */
  const char *gt = "1,1,0,0,10,10,1,1,1\n2,1,0,0,10,10,1,1,1\n";
  wl_mot_score_t s;
  wl_err_t err;
  ASSERT_OK(score_texts(gt, "1,4,0,0,10,6.3,1\n2,4,0,0,10,6.3,1\n", -1, &s,
                        &err), &err);
  ASSERT_NEAR(s.hota, 12.0 / 19.0, 1e-12);
  ASSERT_NEAR(s.deta, 12.0 / 19.0, 1e-12);
  ASSERT_NEAR(s.assa, 12.0 / 19.0, 1e-12);
  ASSERT_NEAR(s.loca, (12 * 0.63 + 7) / 19.0, 1e-9);
  ASSERT_NEAR(s.hota_alpha[11], 1.0, 1e-12); /* alpha 0.60 */
  ASSERT_NEAR(s.hota_alpha[12], 0.0, 1e-12); /* alpha 0.65 */
  ASSERT_NEAR(s.mota, 1.0, 1e-12);
  ASSERT_NEAR(s.motp, 0.63, 1e-9);
  ASSERT_NEAR(s.idf1, 1.0, 1e-12);

  ASSERT_OK(score_texts(gt, "1,4,0,0,10,4.4,1\n2,4,0,0,10,4.4,1\n", -1, &s,
                        &err), &err);
  ASSERT_NEAR(s.hota, 8.0 / 19.0, 1e-12);
  ASSERT_EQ(s.tp, 0);
  ASSERT_EQ(s.fp, 2);
  ASSERT_EQ(s.fn, 2);
  ASSERT_NEAR(s.mota, -1.0, 1e-12);
  ASSERT_NEAR(s.idf1, 0.0, 1e-12);
  return 0;
}

TEST_IMPL(eval_mot_two_objects_crossing) {
  /* Two GT objects A (id 1) and B (id 2), frames 1-4; the tracker swaps
   * its ids after frame 2 (pred 10 follows A then B, pred 20 B then A).
   * CLEAR: 8 TP; frame 3: gt 1 matched to 20 (last 10) and gt 2 to 10
   *   (last 20): IDSW 2. MOTA = (8 - 0 - 2) / 8 = 0.75.
   * HOTA: every frame has both pairs with IoU 1 and no cross overlap, so
   *   weights are 1. Counts: each gt 4, each pred 4; potential matches
   *   (1,10) = (1,20) = (2,10) = (2,20) = 2; alignment 2/(4+4-2) = 1/3.
   *   DetA 1. AssA = 4 pairs * 2 * (2/6) / 8 = 1/3. HOTA = sqrt(1/3).
   * Identity: best is 1-10 and 2-20 (2 frames each): IDTP 4, IDFN 4,
   *   IDFP 4, IDF1 = 4 / (4 + 2 + 2) = 0.5. */
  const char *gt = "1,1,0,0,10,10\n1,2,50,0,10,10\n2,1,0,0,10,10\n"
                   "2,2,50,0,10,10\n3,1,0,0,10,10\n3,2,50,0,10,10\n"
                   "4,1,0,0,10,10\n4,2,50,0,10,10\n";
  const char *pred = "1,10,0,0,10,10\n1,20,50,0,10,10\n2,10,0,0,10,10\n"
                     "2,20,50,0,10,10\n3,20,0,0,10,10\n3,10,50,0,10,10\n"
                     "4,20,0,0,10,10\n4,10,50,0,10,10\n";
  wl_mot_score_t s;
  wl_err_t err;
  ASSERT_OK(score_texts(gt, pred, -1, &s, &err), &err);
  ASSERT_EQ(s.tp, 8);
  ASSERT_EQ(s.idsw, 2);
  ASSERT_NEAR(s.mota, 0.75, 1e-12);
  ASSERT_NEAR(s.deta, 1.0, 1e-12);
  ASSERT_NEAR(s.assa, 1.0 / 3.0, 1e-12);
  ASSERT_NEAR(s.hota, sqrt(1.0 / 3.0), 1e-12);
  ASSERT_EQ(s.idtp, 4);
  ASSERT_NEAR(s.idf1, 0.5, 1e-12);
  return 0;
}

TEST_IMPL(eval_mot_class_and_ignored_rows) {
  /* GT: class 1 id 1 (frames 1-2), class 2 id 2 (frames 1-2), and an
   * ignored row (conf 0, id 3). The tracker finds ids 1 and 3's boxes.
   * All classes: GT dets 4 (the conf-0 row is dropped), TP 2 (id 1), FN 2
   *   (id 2), FP 2 (pred on id 3's box: that GT row is ignored, so the
   *   prediction is a false positive, as in TrackEval without distractor
   *   removal). MOTA = (2 - 2) / 4 = 0.
   * --class 1: GT dets 2, TP 2, FN 0, FP 2: MOTA = (2 - 2) / 2 = 0,
   *   DetA = 2 / (2 + 0 + 2) = 0.5.
   * --class 2: TP 0, FN 2, FP 4: MOTA = -4 / 2 = -2. */
  const char *gt = "1,1,0,0,10,10,1,1,1\n1,2,50,0,10,10,1,2,0.5\n"
                   "1,3,100,0,10,10,0,1,1\n"
                   "2,1,0,0,10,10,1,1,1\n2,2,50,0,10,10,1,2,0\n";
  const char *pred = "1,1,0,0,10,10,1\n1,2,100,0,10,10,1\n"
                     "2,1,0,0,10,10,1\n2,2,100,0,10,10,1\n";
  wl_mot_score_t s;
  wl_err_t err;
  ASSERT_OK(score_texts(gt, pred, -1, &s, &err), &err);
  ASSERT_EQ(s.gt_dets, 4);
  ASSERT_EQ(s.tp, 2);
  ASSERT_EQ(s.fn, 2);
  ASSERT_EQ(s.fp, 2);
  ASSERT_NEAR(s.mota, 0.0, 1e-12);
  ASSERT_OK(score_texts(gt, pred, 1, &s, &err), &err);
  ASSERT_EQ(s.gt_dets, 2);
  ASSERT_EQ(s.gt_ids, 1);
  ASSERT_EQ(s.tp, 2);
  ASSERT_EQ(s.fn, 0);
  ASSERT_EQ(s.fp, 2);
  ASSERT_NEAR(s.deta, 0.5, 1e-12);
  ASSERT_OK(score_texts(gt, pred, 2, &s, &err), &err);
  ASSERT_EQ(s.tp, 0);
  ASSERT_EQ(s.fp, 4);
  ASSERT_NEAR(s.mota, -2.0, 1e-12);
  return 0;
}

/* ---- tracking metrics: invariants on random sequences ------------------- */

typedef struct rand_seq {
  char *gt, *pred, *gt_shuffled;
} rand_seq_t;

/* Random objects moving linearly; the "tracker" jitters boxes, drops
 * detections, adds false ones, and sometimes changes an id. */
static int make_random_seq(uint64_t *seed, int perfect, rand_seq_t *out) {
  enum { CAP = 1 << 17 };
  out->gt = malloc(CAP);
  out->pred = malloc(CAP);
  out->gt_shuffled = malloc(CAP);
  if (!out->gt || !out->pred || !out->gt_shuffled) return -1;
  char *g = out->gt, *p = out->pred;
  int n_obj = 1 + rng_int(seed, 6), frames = 5 + rng_int(seed, 30);
  double x[8], y[8], vx[8], vy[8], w[8], h[8];
  int pid[8];
  for (int o = 0; o < n_obj; o++) {
    x[o] = 200 * rng_unit(seed);
    y[o] = 200 * rng_unit(seed);
    vx[o] = 6 * rng_unit(seed) - 3;
    vy[o] = 6 * rng_unit(seed) - 3;
    w[o] = 5 + 30 * rng_unit(seed);
    h[o] = 5 + 30 * rng_unit(seed);
    pid[o] = 100 + o;
  }
  int next_id = 200;
  for (int f = 1; f <= frames; f++) {
    for (int o = 0; o < n_obj; o++) {
      double cx = x[o] + vx[o] * f, cy = y[o] + vy[o] * f;
      g += sprintf(g, "%d,%d,%.3f,%.3f,%.3f,%.3f,1,1,1\n", f, o + 1, cx, cy,
                   w[o], h[o]);
      if (perfect) {
        p += sprintf(p, "%d,%d,%.3f,%.3f,%.3f,%.3f,1,-1,-1,-1\n", f, pid[o],
                     cx, cy, w[o], h[o]);
        continue;
      }
      if (rng_unit(seed) < 0.15) continue; /* missed */
      if (rng_unit(seed) < 0.05) pid[o] = next_id++; /* id change */
      double j = 0.3 * w[o];
      p += sprintf(p, "%d,%d,%.3f,%.3f,%.3f,%.3f,1,-1,-1,-1\n", f, pid[o],
                   cx + j * (rng_unit(seed) - 0.5),
                   cy + j * (rng_unit(seed) - 0.5),
                   w[o] * (0.8 + 0.4 * rng_unit(seed)),
                   h[o] * (0.8 + 0.4 * rng_unit(seed)));
    }
    if (!perfect && rng_unit(seed) < 0.3)
      p += sprintf(p, "%d,%d,%.3f,%.3f,8,8,1,-1,-1,-1\n", f, 900 + f % 3,
                   250 * rng_unit(seed), 250 * rng_unit(seed));
  }
  /* The same GT lines in reverse order. */
  size_t len = strlen(out->gt);
  char *dst = out->gt_shuffled;
  size_t end = len;
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && out->gt[start - 1] != '\n') start--;
    memcpy(dst, out->gt + start, end - start);
    dst += end - start;
    end = start;
  }
  *dst = '\0';
  return 0;
}

static void free_random_seq(rand_seq_t *r) {
  free(r->gt);
  free(r->pred);
  free(r->gt_shuffled);
}

TEST_IMPL(eval_mot_invariants) {
  uint64_t seed = 4242;
  wl_err_t err;
  for (int trial = 0; trial < 60; trial++) {
    rand_seq_t r;
    int perfect = trial % 6 == 0;
    ASSERT_EQ(make_random_seq(&seed, perfect, &r), 0);
    wl_mot_score_t s, t, u;
    ASSERT_OK(score_texts(r.gt, r.pred, -1, &s, &err), &err);
    if (perfect) {
      ASSERT_NEAR(s.hota, 1.0, 1e-9);
      ASSERT_NEAR(s.deta, 1.0, 1e-9);
      ASSERT_NEAR(s.assa, 1.0, 1e-9);
      ASSERT_NEAR(s.mota, 1.0, 1e-9);
      ASSERT_NEAR(s.idf1, 1.0, 1e-9);
      ASSERT_EQ(s.idsw, 0);
      ASSERT_EQ(s.fp + s.fn, 0);
    }
    /* Ranges and bookkeeping. */
    ASSERT(s.hota >= 0 && s.hota <= 1 && s.deta >= 0 && s.deta <= 1);
    ASSERT(s.assa >= 0 && s.assa <= 1 + 1e-12);
    ASSERT(s.detre >= s.deta - 1e-12 && s.detpr >= s.deta - 1e-12);
    ASSERT_EQ(s.tp + s.fn, s.gt_dets);
    ASSERT_EQ(s.tp + s.fp, s.pred_dets);
    ASSERT_EQ(s.idtp + s.idfn, s.gt_dets);
    ASSERT_EQ(s.idtp + s.idfp, s.pred_dets);
    ASSERT(s.mota <= 1.0 && s.idf1 <= 1.0 && s.idf1 >= 0.0);
    ASSERT_EQ(s.mt + s.pt + s.ml, s.gt_ids);
    /* HOTA_a = sqrt(DetA_a AssA_a) lies between the two; the mean over
     * alphas is at most sqrt(DetA AssA) (Cauchy-Schwarz) and at most
     * (DetA + AssA) / 2. */
    for (int a = 0; a < WL_HOTA_ALPHAS; a++) {
      double lo = fmin(s.deta_alpha[a], s.assa_alpha[a]);
      double hi = fmax(s.deta_alpha[a], s.assa_alpha[a]);
      ASSERT(s.hota_alpha[a] >= lo - 1e-12 && s.hota_alpha[a] <= hi + 1e-12);
      if (a > 0) ASSERT(s.deta_alpha[a] <= s.deta_alpha[a - 1] + 1e-12);
    }
    ASSERT(s.hota <= sqrt(s.deta * s.assa) + 1e-12);
    ASSERT(s.hota <= 0.5 * (s.deta + s.assa) + 1e-12);
    /* Row order does not matter. */
    ASSERT_OK(score_texts(r.gt_shuffled, r.pred, -1, &t, &err), &err);
    ASSERT_NEAR(t.hota, s.hota, 1e-9);
    ASSERT_NEAR(t.mota, s.mota, 1e-12);
    ASSERT_NEAR(t.idf1, s.idf1, 1e-12);
    ASSERT_EQ(t.idsw, s.idsw);
    /* HOTA, DetA, AssA and IDF1 are symmetric in GT and prediction. */
    ASSERT_OK(score_texts(r.pred, r.gt, -1, &u, &err), &err);
    ASSERT_NEAR(u.hota, s.hota, 1e-9);
    ASSERT_NEAR(u.deta, s.deta, 1e-9);
    ASSERT_NEAR(u.assa, s.assa, 1e-9);
    ASSERT_NEAR(u.idf1, s.idf1, 1e-12);
    free_random_seq(&r);
  }
  return 0;
}

/* ---- loose box labels ---------------------------------------------------- */

TEST_IMPL(eval_boxes_labels_parse) {
  wl_err_t err;
  wl_box_labels_t l;
  const char *ok = "frame,obj,class,x,y,w,h\r\n1,1,BIRD,3,153,8,9\r\n"
                   "2,1,BIRD,224.644,86.6029,9.76201,8.37335\r\n"
                   "2,2,BIRD,5,5,1,1\r\n";
  ASSERT_OK(wl_box_labels_parse(ok, strlen(ok), "l.csv", &l, &err), &err);
  ASSERT_EQ(l.n, 3);
  ASSERT_EQ(l.max_frame, 2);
  ASSERT_STR_EQ(l.rows[1].cls, "BIRD");
  ASSERT_NEAR(l.rows[1].x, 224.644, 0);
  ASSERT_EQ(l.rows[2].obj, 2);
  wl_box_labels_free(&l);
  static const struct {
    const char *text;
    const char *msg;
  } bad[] = {
      {"", "l.csv: empty file; expected the header"},
      {"1,1,BIRD,1,1,1,1\n", "l.csv:1: expected the header"},
      {"frame,obj,class,x,y,w,h\n1,1,BI RD,1,1,1,1\n",
       "l.csv:2: field 3 (class): 'BI RD' is not a class name"},
      {"frame,obj,class,x,y,w,h\n1,1,BIRD,1,1,0,1\n", "box size 0x1 is empty"},
      {"frame,obj,class,x,y,w,h\n1,1,BIRD,1,1,1\n", "line has 6 fields"},
      {"frame,obj,class,x,y,w,h\n1,1,BIRD,1,nan,1,1\n",
       "l.csv:2: field 5 (y): 'nan' is not a number"},
      {"frame,obj,class,x,y,w,h\n1,1,BIRD,1,1,1,1\n1,1,BIRD,2,2,1,1\n",
       "l.csv:3: obj 1 appears twice in frame 1 (also line 2)"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int rc = wl_box_labels_parse(bad[i].text, strlen(bad[i].text), "l.csv",
                                 &l, &err);
    if (rc != WL_EFORMAT)
      TEST_FAIL_("case %zu: code %d (%s)", i, rc, err.msg);
    ASSERT_STR_CONTAINS(err.msg, bad[i].msg);
  }
  return 0;
}

TEST_IMPL(eval_boxes_hand) {
  /* Frame 1: label L1 4x4 at (10,10) (centre 12,12; half diagonal 2.83,
   *   so the gate is 8 px). Prediction P1 2x2 at (18.5,11) (centre
   *   19.5,12: 7.5 px away -> centre match; IoU 0 but P1's centre is
   *   outside L1 -> no overlap match). P2 far away.
   *   centre: TP 1, FP 1, FN 0. overlap: TP 0, FP 2, FN 1.
   * Frame 2: label L2 40x30 at (100,100) (centre 120,115; half diagonal
   *   25). Prediction P3 10x10 at (139,110) (centre 144,115: 24 px ->
   *   centre match; centre outside L2 (x 144 > 140) and IoU =
   *   1*10 / (1200 + 100 - 10) = 0.0078 -> no overlap match).
   *   centre: TP 1; overlap: TP 0, FP 1, FN 1.
   * Frame 3: labels A 10x10 at (0,0) (centre 5,5) and B 10x10 at (10,0)
   *   (centre 15,5); predictions Q1 centre (10,5) (5 px from both) and Q2
   *   centre (-2,5) (7 px from A only). One-to-one, most pairs first:
   *   A-Q2, B-Q1: centre TP 2. Overlap: Q1 (9,4)-(11,6)'s centre lies on
   *   A's right edge and B's left edge (edges count): inside both; Q2's
   *   centre is outside A; IoUs: Q1-A = 2/(100+4-2) = 0.0196: only
   *   inside-rule pairs -> overlap TP 1 (Q1 with A or B), FP 1, FN 1.
   * Frame 4: a label, no prediction: FN 1 for both rules.
   * Totals: centre TP 4, FP 1 (P2), FN 1 (frame 4): precision 0.8,
   *   recall 0.8, F1 0.8. overlap TP 1, FP 4, FN 4 (frames 1, 2, 3, 4):
   *   precision 0.2, recall 0.2, F1 0.2. */
  const char *labels = "frame,obj,class,x,y,w,h\n"
                       "1,1,BIRD,10,10,4,4\n"
                       "2,1,BIRD,100,100,40,30\n"
                       "3,1,DRONE,0,0,10,10\n3,2,DRONE,10,0,10,10\n"
                       "4,1,DRONE,50,50,10,10\n";
  const char *pred = "1,1,18.5,11,2,2,1,-1,-1,-1\n1,2,300,300,5,5,1,-1,-1,-1\n"
                     "2,1,139,110,10,10,1,-1,-1,-1\n"
                     "3,1,9,4,2,2,1,-1,-1,-1\n3,2,-3,4,2,2,1,-1,-1,-1\n";
  wl_err_t err;
  wl_box_labels_t l;
  wl_mot_file_t p;
  ASSERT_OK(wl_box_labels_parse(labels, strlen(labels), "l.csv", &l, &err),
            &err);
  ASSERT_OK(parse_pred(pred, &p, &err), &err);
  wl_box_score_t s;
  ASSERT_OK(wl_eval_boxes(&l, &p, &s, &err), &err);
  ASSERT_EQ(s.centre.tp, 4);
  ASSERT_EQ(s.centre.fp, 1);
  ASSERT_EQ(s.centre.fn, 1);
  ASSERT_NEAR(s.centre.precision, 0.8, 1e-12);
  ASSERT_NEAR(s.centre.recall, 0.8, 1e-12);
  ASSERT_NEAR(s.centre.f1, 0.8, 1e-12);
  ASSERT_EQ(s.overlap.tp, 1);
  ASSERT_EQ(s.overlap.fp, 4);
  ASSERT_EQ(s.overlap.fn, 4);
  ASSERT_NEAR(s.overlap.f1, 0.2, 1e-12);
  ASSERT_EQ(s.n_frames, 4);
  ASSERT_EQ(s.per_frame[2].frame, 3);
  ASSERT_EQ(s.per_frame[2].centre_tp, 2);
  ASSERT_EQ(s.per_frame[2].overlap_tp, 1);
  ASSERT_EQ(s.per_frame[3].labels, 1);
  ASSERT_EQ(s.per_frame[3].preds, 0);
  ASSERT_EQ(s.frames, 4);
  wl_box_score_free(&s);

  /* Just outside the 8 px gate (8.5 px): no centre match. */
  wl_mot_free(&p);
  ASSERT_OK(parse_pred("1,1,19.5,11,2,2,1\n", &p, &err), &err);
  ASSERT_OK(wl_eval_boxes(&l, &p, &s, &err), &err);
  ASSERT_EQ(s.centre.tp, 0);
  ASSERT_EQ(s.centre.fn, 5);
  wl_box_score_free(&s);
  /* A box equal to the label matches under both rules (IoU 1). */
  wl_mot_free(&p);
  ASSERT_OK(parse_pred("4,1,50,50,10,10,1\n", &p, &err), &err);
  ASSERT_OK(wl_eval_boxes(&l, &p, &s, &err), &err);
  ASSERT_EQ(s.centre.tp, 1);
  ASSERT_EQ(s.overlap.tp, 1);
  ASSERT_EQ(s.centre.fp, 0);
  wl_box_score_free(&s);
  wl_mot_free(&p);
  wl_box_labels_free(&l);

  /* Rates of empty counts are 0, and finishing summed counts works. */
  wl_box_counts_t c = {0, 0, 0, 1, 1, 1};
  wl_box_counts_finish(&c);
  ASSERT_NEAR(c.precision + c.recall + c.f1, 0.0, 0);
  c.tp = 3;
  c.fp = 1;
  c.fn = 2;
  wl_box_counts_finish(&c);
  ASSERT_NEAR(c.precision, 0.75, 1e-12);
  ASSERT_NEAR(c.recall, 0.6, 1e-12);
  ASSERT_NEAR(c.f1, 6.0 / 9.0, 1e-12);
  return 0;
}

/* Real Halmstad labels: every file parses, and the labels scored as their
 * own predictions give precision = recall = 1 under both rules. */
TEST_IMPL(eval_boxes_halmstad_self) {
  const char *shared = test_shared_dir();
  if (!shared) RETURN_SKIP("../shared is absent");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/data/halmstad-ir/labels", shared);
  char list[1 << 14];
  if (test_run(list, sizeof list, "ls '%s' 2>/dev/null | head -200", dir) != 0 ||
      !strstr(list, ".csv"))
    RETURN_SKIP("%s has no label files", dir);
  wl_err_t err;
  int files = 0;
  long rows = 0;
  char *save = NULL;
  for (char *name = strtok_r(list, "\n", &save); name;
       name = strtok_r(NULL, "\n", &save)) {
    wl_box_labels_t l;
    ASSERT_OK(wl_box_labels_read(test_path(dir, name), &l, &err), &err);
    files++;
    rows += (long)l.n;
    if (files % 23 == 1) { /* a sample of clips as predictions */
      wl_mot_file_t p = {0};
      p.rows = calloc(l.n ? l.n : 1, sizeof *p.rows);
      ASSERT(p.rows != NULL);
      for (size_t i = 0; i < l.n; i++) {
        wl_mot_row_t *r = &p.rows[i];
        r->frame = l.rows[i].frame;
        r->id = l.rows[i].obj;
        r->x = l.rows[i].x;
        r->y = l.rows[i].y;
        r->w = l.rows[i].w;
        r->h = l.rows[i].h;
        r->conf = 1;
        r->cls = -1;
        r->line = (long)i + 1;
      }
      p.n = l.n;
      p.max_frame = l.max_frame;
      wl_box_score_t s;
      ASSERT_OK(wl_eval_boxes(&l, &p, &s, &err), &err);
      ASSERT_EQ(s.centre.tp, (long)l.n);
      ASSERT_EQ(s.overlap.tp, (long)l.n);
      ASSERT_NEAR(s.centre.f1, 1.0, 0);
      wl_box_score_free(&s);
      wl_mot_free(&p);
    }
    wl_box_labels_free(&l);
  }
  ASSERT_GT(files, 100);
  ASSERT_GT(rows, 10000);
  return 0;
}

/* ---- the command --------------------------------------------------------- */

static char out[1 << 16];
#define WL(...) test_run(out, sizeof out, __VA_ARGS__)

TEST_IMPL(eval_cli_mot) {
  const char *bin = test_watchline_bin(), *d = test_tmpdir();
  const char *gt = test_path(d, "gt.txt"), *pred = test_path(d, "pred.txt");
  /* The ID-switch case of eval_mot_id_switch. */
  ASSERT_EQ(write_file(gt, "1,1,10,10,20,20,1,1,1\n2,1,10,10,20,20,1,1,1\n"
                           "3,1,10,10,20,20,1,1,1\n4,1,10,10,20,20,1,1,1\n"), 0);
  ASSERT_EQ(write_file(pred, "1,1,10,10,20,20,1,-1,-1,-1\n2,1,10,10,20,20,1,-1,-1,-1\n"
                             "3,2,10,10,20,20,1,-1,-1,-1\n4,2,10,10,20,20,1,-1,-1,-1\n"),
            0);
  ASSERT_EQ(WL("'%s' eval mot '%s' '%s'", bin, gt, pred), 0);
  ASSERT(strncmp(out,
                 "HOTA 0.7071\nDetA 1.0000\nAssA 0.5000\nMOTA 0.7500\n"
                 "IDF1 0.5000\nIDSW 1\nFP 0\nFN 0\nDetRe 1.0000\n",
                 strlen("HOTA 0.7071\nDetA 1.0000\nAssA 0.5000\nMOTA 0.7500\n"
                        "IDF1 0.5000\nIDSW 1\nFP 0\nFN 0\nDetRe 1.0000\n")) == 0);
  ASSERT_STR_CONTAINS(out, "\nGT_DETS 4\nGT_IDS 1\nPRED_DETS 4\nPRED_IDS 2\n"
                           "FRAMES 4\n");
  ASSERT_EQ(WL("'%s' eval mot '%s' '%s' --json", bin, gt, pred), 0);
  ASSERT_STR_CONTAINS(out, "{\"HOTA\": 0.7071067812, \"DetA\": 1.0");
  ASSERT_STR_CONTAINS(out, "\"IDSW\": 1, \"FP\": 0, \"FN\": 0");
  ASSERT_STR_CONTAINS(out, "\"HOTA_alpha\": [0.7071067812");
  ASSERT_EQ(WL("'%s' eval mot '%s' '%s' --class 2", bin, gt, pred), 0);
  ASSERT_STR_CONTAINS(out, "HOTA 0.0000\n");
  ASSERT_STR_CONTAINS(out, "FP 4\n");
  /* Usage errors: exit 2. */
  ASSERT_EQ(WL("'%s' eval", bin), 2);
  ASSERT_STR_CONTAINS(out, "watchline: eval: usage:");
  ASSERT_EQ(WL("'%s' eval mot '%s'", bin, gt), 2);
  ASSERT_EQ(WL("'%s' eval mot '%s' '%s' --bogus", bin, gt, pred), 2);
  ASSERT_EQ(WL("'%s' eval mot '%s' '%s' --class x", bin, gt, pred), 2);
  ASSERT_EQ(WL("'%s' eval frob", bin), 2);
  /* Runtime errors: exit 1, file:line: field: why. */
  ASSERT_EQ(write_file(pred, "1,1,10,10,20,20,1\n2,1,abc,10,20,20,1\n"), 0);
  ASSERT_EQ(WL("'%s' eval mot '%s' '%s'", bin, gt, pred), 1);
  ASSERT_STR_CONTAINS(out, "watchline: eval: ");
  ASSERT_STR_CONTAINS(out, "pred.txt:2: field 3 (x): 'abc' is not a number");
  ASSERT_EQ(WL("'%s' eval mot /nonexistent/gt.txt '%s'", bin, pred), 1);
  ASSERT_STR_CONTAINS(out, "watchline: eval: /nonexistent/gt.txt: cannot open");
  return 0;
}

TEST_IMPL(eval_cli_boxes) {
  const char *bin = test_watchline_bin(), *d = test_tmpdir();
  const char *labels = test_path(d, "labels.csv"), *pred = test_path(d, "t.txt");
  ASSERT_EQ(write_file(labels, "frame,obj,class,x,y,w,h\n1,1,BIRD,10,10,4,4\n"
                               "2,1,BIRD,10,10,4,4\n"), 0);
  ASSERT_EQ(write_file(pred, "1,1,10,10,4,4,1,-1,-1,-1\n3,1,10,10,4,4,1,-1,-1,-1\n"),
            0);
  /* Frame 1 matched; frame 2 missed (FN); frame 3 a FP:
   * TP 1, FP 1, FN 1 under both rules: precision = recall = F1 = 0.5. */
  ASSERT_EQ(WL("'%s' eval boxes '%s' '%s'", bin, labels, pred), 0);
  ASSERT_STR_EQ(out,
                "frames 3\nlabels 2\npredictions 2\n"
                "centre_TP 1\ncentre_FP 1\ncentre_FN 1\n"
                "centre_precision 0.5000\ncentre_recall 0.5000\ncentre_F1 0.5000\n"
                "overlap_TP 1\noverlap_FP 1\noverlap_FN 1\n"
                "overlap_precision 0.5000\noverlap_recall 0.5000\n"
                "overlap_F1 0.5000\n");
  ASSERT_EQ(WL("'%s' eval boxes '%s' '%s' --per-frame", bin, labels, pred), 0);
  ASSERT_STR_CONTAINS(out, "frame labels predictions centre_TP");
  ASSERT_STR_CONTAINS(out, "\n1 1 1 1 0 0 1.0000 1.0000 1.0000 1 0 0 1.0000 "
                           "1.0000 1.0000\n2 1 0 0 0 1 0.0000 0.0000 0.0000 ");
  ASSERT_STR_CONTAINS(out, "\n\nframes 3\n");
  ASSERT_EQ(WL("'%s' eval boxes '%s' '%s' --json --per-frame", bin, labels,
               pred), 0);
  ASSERT_STR_CONTAINS(out, "\"centre_F1\": 0.5");
  ASSERT_STR_CONTAINS(out, "\"per_frame\": [{\"frame\": 1");
  ASSERT_EQ(write_file(labels, "frame,obj,class,x,y,w,h\n1,1,BIRD,10,10,4\n"), 0);
  ASSERT_EQ(WL("'%s' eval boxes '%s' '%s'", bin, labels, pred), 1);
  ASSERT_STR_CONTAINS(out, "labels.csv:2: line has 6 fields");
  ASSERT_EQ(WL("'%s' eval boxes '%s'", bin, labels), 2);
  ASSERT_EQ(WL("'%s' eval sirst a b", bin), 2);
  return 0;
}
