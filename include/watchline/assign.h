/*
 * watchline/assign.h - optimal linear assignment (the Hungarian method).
 *
 * Given a rows x cols cost matrix, find a one-to-one matching of rows to
 * columns that, first, matches as many pairs as possible using only allowed
 * entries and, second, among those matchings has the least total cost.
 * Rectangular matrices are fine: with rows != cols some rows or columns stay
 * unmatched. An entry is forbidden (gated out) when it is not finite or when
 * it is greater than the caller's gate; forbidden pairs are never matched.
 *
 * The solver is the shortest-augmenting-path form of Kuhn-Munkres with row
 * and column potentials (Jonker-Volgenant style): O(k^2 * (K + k)) time for
 * k = min(rows, cols), K = max(rows, cols). "Match the most pairs, then the
 * least cost" is solved exactly, without a big-M constant, by giving each
 * row k "unmatched" columns whose cost is one unit of a second, more
 * significant cost component; potentials live in that lexicographic
 * (count, cost) group. Ties are broken deterministically (lowest index).
 *
 * The caller provides the workspace (wl_assign_workspace_size bytes), so a
 * tracker that solves a problem every frame allocates nothing per frame:
 * size the buffer once for the largest problem and reuse it. The solver
 * never allocates, never prints and touches no global state, so one
 * workspace per thread makes it thread-safe.
 */
#ifndef WATCHLINE_ASSIGN_H
#define WATCHLINE_ASSIGN_H

#include <math.h>
#include <stddef.h>

#include "watchline/common.h"

/* Largest rows or cols accepted (a guard against overflow, not a promise of
 * speed: a dense random 1000 x 1000 problem takes about 0.2-0.4 s, 50 x 50
 * about 0.1 ms, 10 x 10 about 1 us). */
#define WL_ASSIGN_MAX_DIM 65536

/* Allowed costs must lie within +-WL_ASSIGN_MAX_COST so that sums of
 * potentials stay exact enough; use a forbidden entry instead of "huge". */
#define WL_ASSIGN_MAX_COST 1e15

/* Convenience value for a forbidden entry (any non-finite value works). */
#define WL_ASSIGN_FORBIDDEN INFINITY

/*
 * Bytes of workspace needed by wl_assign_solve for a rows x cols problem
 * (also enough for any smaller problem). Returns 0 when rows or cols is
 * negative or above WL_ASSIGN_MAX_DIM.
 */
size_t wl_assign_workspace_size(int rows, int cols);

/*
 * Solve the assignment problem.
 * @param cost        rows x cols costs, row-major: entry (r, c) is
 *                    cost[r * stride + c]. May be NULL when rows or cols is 0.
 * @param stride      distance in elements between rows (>= cols).
 * @param gate        entries with cost > gate are forbidden; pass
 *                    WL_ASSIGN_FORBIDDEN (+inf) for no gate. Non-finite
 *                    entries are always forbidden.
 * @param work        workspace of work_size bytes, suitably aligned for
 *                    double (malloc'd memory is); contents on entry are
 *                    ignored, on return unspecified.
 * @param row_to_col  out, rows entries: the matched column, or -1.
 * @param col_to_row  out, cols entries: the matched row, or -1. May be NULL.
 * @param total_cost  out: sum of the matched entries' costs. May be NULL.
 * @return the number of matched pairs (>= 0), or WL_EINVAL (bad sizes,
 *         too small or misaligned workspace, an allowed cost beyond
 *         WL_ASSIGN_MAX_COST) with err filled.
 */
int wl_assign_solve(const double *cost, int rows, int cols, size_t stride,
                    double gate, void *work, size_t work_size,
                    int *row_to_col, int *col_to_row, double *total_cost,
                    wl_err_t *err);

#endif
