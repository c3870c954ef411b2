/*
 * hungarian.c - optimal linear assignment by shortest augmenting paths
 * (Kuhn-Munkres with potentials, as in Jonker-Volgenant), see
 * watchline/assign.h for the contract.
 *
 * Design. The matrix is viewed as n x m with n = min(rows, cols) "agents"
 * (the shorter side; the matrix is read transposed when rows > cols) and m
 * real "tasks". Rows are added one at a time; each addition runs a dense
 * Dijkstra over the columns with reduced costs c(i,j) - u[i] - v[j] >= 0 and
 * augments along the shortest path, so after row i the matching of rows
 * 1..i is optimal (the classic O(n^2 m) Hungarian method).
 *
 * Forbidden entries make a full matching possibly infeasible, and "match
 * the most pairs, then the least cost" must not depend on a big-M constant
 * (which silently loses precision). So when any entry is forbidden, every
 * row also gets n "unmatched" columns of cost (1, 0) in the lexicographic
 * group (misses, cost): real allowed entries cost (0, c). A full matching
 * always exists then, and its lexicographic minimum is exactly the most
 * pairs, then the least cost. Potentials, reduced costs and path lengths are
 * all (misses, cost) pairs; the miss part holds small integers in a double,
 * so it is exact, and +inf marks "not reached yet".
 *
 * Invariants: after each row, reduced costs of all allowed entries are >= 0
 * and 0 along the matching; match[j] is the 1-based agent on column j (0 =
 * free); column 0 is the virtual start column of each Dijkstra.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "watchline/assign.h"

/* A cost in the lexicographic group (misses, cost). */
typedef struct lexcost {
  double miss;
  double cost;
} lexcost_t;

static const lexcost_t LEX_ZERO = {0.0, 0.0};
static const lexcost_t LEX_UNREACHED = {INFINITY, 0.0};

static inline int lex_less(lexcost_t a, lexcost_t b) {
  return a.miss < b.miss || (a.miss == b.miss && a.cost < b.cost);
}

/* Workspace layout: byte offsets of each array. */
typedef struct layout {
  size_t u, v, minv, match, way, used, total;
} layout_t;

/* The problem as the solver sees it: n agents x m tasks (+ n misses). */
typedef struct problem {
  const double *cost;
  size_t stride;
  double gate;
  int transposed; /* agents are the matrix's columns */
  int n;          /* agents: min(rows, cols) */
  int m;          /* real tasks: max(rows, cols) */
  int width;      /* columns searched: m, or m + n with "unmatched" ones */
} problem_t;

static size_t align_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

static void plan_layout(int rows, int cols, layout_t *lay) {
  size_t n = (size_t)(rows < cols ? rows : cols);
  size_t m = (size_t)(rows < cols ? cols : rows);
  size_t width = m + n + 1; /* with column 0 and the "unmatched" columns */
  size_t at = 0;
  lay->u = at;
  at += (n + 1) * sizeof(lexcost_t);
  lay->v = at;
  at += width * sizeof(lexcost_t);
  lay->minv = at;
  at += width * sizeof(lexcost_t);
  lay->match = at;
  at += width * sizeof(int);
  lay->way = at;
  at += width * sizeof(int);
  lay->used = at;
  at += width;
  lay->total = align_up(at, sizeof(double));
}

size_t wl_assign_workspace_size(int rows, int cols) {
  if (rows < 0 || cols < 0 || rows > WL_ASSIGN_MAX_DIM ||
      cols > WL_ASSIGN_MAX_DIM)
    return 0;
  layout_t lay;
  plan_layout(rows, cols, &lay);
  return lay.total;
}

/* Entry (agent i, task j), both 0-based; 1 when allowed, with its cost. */
static inline int entry(const problem_t *p, int i, int j, double *c) {
  double x = p->transposed ? p->cost[(size_t)j * p->stride + (size_t)i]
                           : p->cost[(size_t)i * p->stride + (size_t)j];
  *c = x;
  return isfinite(x) && x <= p->gate;
}

/*
 * Check every allowed cost against WL_ASSIGN_MAX_COST and find whether any
 * entry is forbidden (which decides whether "unmatched" columns are needed).
 */
static int scan_costs(const problem_t *p, int *any_forbidden, wl_err_t *err) {
  *any_forbidden = 0;
  for (int i = 0; i < p->n; i++)
    for (int j = 0; j < p->m; j++) {
      double c;
      if (!entry(p, i, j, &c)) {
        *any_forbidden = 1;
      } else if (fabs(c) > WL_ASSIGN_MAX_COST) {
        int r = p->transposed ? j : i, col = p->transposed ? i : j;
        return wl_fail(err, WL_EINVAL,
                       "assignment: cost[%d][%d] = %g is beyond the limit "
                       "of +-%g; use a forbidden (infinite) entry instead",
                       r, col, c, WL_ASSIGN_MAX_COST);
      }
    }
  return WL_OK;
}

/*
 * Add agent i (1-based) to the matching: Dijkstra from i over the columns,
 * then augment along the shortest path. Returns WL_OK, or WL_EINVAL if no
 * free column is reachable (cannot happen with "unmatched" columns, or
 * without forbidden entries, since n <= m).
 */
static int add_agent(const problem_t *p, int i, lexcost_t *u, lexcost_t *v,
                     lexcost_t *minv, int *match, int *way,
                     unsigned char *used) {
  const int width = p->width, m = p->m;
  /* Agent a's cost of task j is row[j * step] (a matrix row, or a column
   * when transposed). */
  const size_t step = p->transposed ? p->stride : 1;
  const size_t agent_step = p->transposed ? 1 : p->stride;
  for (int j = 0; j <= width; j++) {
    minv[j] = LEX_UNREACHED;
    used[j] = 0;
  }
  match[0] = i;
  int j0 = 0;
  do {
    used[j0] = 1;
    const int i0 = match[j0];
    const lexcost_t ui = u[i0];
    const double *row = p->cost + (size_t)(i0 - 1) * agent_step;
    lexcost_t delta = LEX_UNREACHED;
    int j1 = 0;
    /* Real tasks: allowed entries cost (0, c). */
    for (int j = 1; j <= m; j++) {
      if (used[j]) continue;
      double c = row[(size_t)(j - 1) * step];
      if (isfinite(c) && c <= p->gate) {
        lexcost_t red = {-ui.miss - v[j].miss, c - ui.cost - v[j].cost};
        if (lex_less(red, minv[j])) {
          minv[j] = red;
          way[j] = j0;
        }
      }
      if (lex_less(minv[j], delta)) {
        delta = minv[j];
        j1 = j;
      }
    }
    /* "Unmatched" columns (only with forbidden entries): cost (1, 0). */
    for (int j = m + 1; j <= width; j++) {
      if (used[j]) continue;
      lexcost_t red = {1.0 - ui.miss - v[j].miss, -ui.cost - v[j].cost};
      if (lex_less(red, minv[j])) {
        minv[j] = red;
        way[j] = j0;
      }
      if (lex_less(minv[j], delta)) {
        delta = minv[j];
        j1 = j;
      }
    }
    if (j1 == 0) return WL_EINVAL;
    for (int j = 0; j <= width; j++) {
      if (used[j]) {
        lexcost_t *uu = &u[match[j]];
        uu->miss += delta.miss;
        uu->cost += delta.cost;
        v[j].miss -= delta.miss;
        v[j].cost -= delta.cost;
      } else if (minv[j].miss != INFINITY) {
        minv[j].miss -= delta.miss;
        minv[j].cost -= delta.cost;
      }
    }
    j0 = j1;
  } while (match[j0] != 0);
  /* Augment: shift each column's agent back along the path. */
  do {
    int j1 = way[j0];
    match[j0] = match[j1];
    j0 = j1;
  } while (j0 != 0);
  return WL_OK;
}

int wl_assign_solve(const double *cost, int rows, int cols, size_t stride,
                    double gate, void *work, size_t work_size,
                    int *row_to_col, int *col_to_row, double *total_cost,
                    wl_err_t *err) {
  if (total_cost) *total_cost = 0.0;
  size_t need = wl_assign_workspace_size(rows, cols);
  if (need == 0)
    return wl_fail(err, WL_EINVAL,
                   "assignment: size %dx%d is negative or above the limit "
                   "of %d",
                   rows, cols, WL_ASSIGN_MAX_DIM);
  if (rows > 0 && !row_to_col)
    return wl_fail(err, WL_EINVAL, "assignment: row_to_col is NULL");
  for (int r = 0; r < rows; r++) row_to_col[r] = -1;
  if (col_to_row)
    for (int c = 0; c < cols; c++) col_to_row[c] = -1;
  if (rows == 0 || cols == 0) return 0;
  if (!cost || stride < (size_t)cols)
    return wl_fail(err, WL_EINVAL,
                   "assignment: cost matrix is NULL or its stride %zu is "
                   "below its %d columns",
                   stride, cols);
  if (!work || work_size < need)
    return wl_fail(err, WL_EINVAL,
                   "assignment: workspace of %zu bytes is below the %zu "
                   "needed for %dx%d",
                   work_size, need, rows, cols);
  if ((uintptr_t)work % sizeof(double) != 0)
    return wl_fail(err, WL_EINVAL,
                   "assignment: workspace is not aligned for double");

  problem_t p;
  p.cost = cost;
  p.stride = stride;
  p.gate = gate;
  p.transposed = rows > cols;
  p.n = p.transposed ? cols : rows;
  p.m = p.transposed ? rows : cols;
  int any_forbidden;
  int rc = scan_costs(&p, &any_forbidden, err);
  if (rc < 0) return rc;
  p.width = p.m + (any_forbidden ? p.n : 0);

  layout_t lay;
  plan_layout(rows, cols, &lay);
  unsigned char *base = work;
  lexcost_t *u = (lexcost_t *)(void *)(base + lay.u);
  lexcost_t *v = (lexcost_t *)(void *)(base + lay.v);
  lexcost_t *minv = (lexcost_t *)(void *)(base + lay.minv);
  int *match = (int *)(void *)(base + lay.match);
  int *way = (int *)(void *)(base + lay.way);
  unsigned char *used = base + lay.used;
  for (int i = 0; i <= p.n; i++) u[i] = LEX_ZERO;
  for (int j = 0; j <= p.width; j++) {
    v[j] = LEX_ZERO;
    match[j] = 0;
    way[j] = 0;
  }

  for (int i = 1; i <= p.n; i++)
    if (add_agent(&p, i, u, v, minv, match, way, used) != WL_OK)
      return wl_fail(err, WL_EINVAL,
                     "assignment: no augmenting path for agent %d "
                     "(internal error)",
                     i - 1);

  int matched = 0;
  double total = 0.0;
  for (int j = 1; j <= p.m; j++) {
    if (match[j] == 0) continue;
    int i = match[j] - 1;
    double c;
    if (!entry(&p, i, j - 1, &c)) continue; /* cannot happen: never chosen */
    int r = p.transposed ? j - 1 : i, col = p.transposed ? i : j - 1;
    row_to_col[r] = col;
    if (col_to_row) col_to_row[col] = r;
    total += c;
    matched++;
  }
  if (total_cost) *total_cost = total;
  return matched;
}
