/*
 * spot_classify.c - the spot detector's clutter classifier: evaluation of
 * the boosted-tree table in spot_model.c, and the feature list it must
 * match.
 *
 * The table is data only, written by tools/spot-train from the SIRST train
 * split; it records the comma-separated feature names it was trained on,
 * and the detector refuses to use a table whose names differ from this
 * build's WL__SPOT_FEATURES (a stale table would silently score the wrong
 * inputs).
 */
#include <string.h>

#include "spot_int.h"

#define WL__SPOT_FEATURE_NAME(name) #name ","
const char wl__spot_feature_names[] = WL__SPOT_FEATURES(WL__SPOT_FEATURE_NAME);
#undef WL__SPOT_FEATURE_NAME

int wl__gbdt_matches(const wl__gbdt_model_t *m) {
  return m->nfeatures == WL__SPOT_NF && m->features &&
         strcmp(m->features, wl__spot_feature_names) == 0;
}

double wl__gbdt_logit(const wl__gbdt_model_t *m, const float *x) {
  double sum = m->base;
  for (int t = 0; t < m->ntrees; t++) {
    const wl__gbdt_node_t *node = &m->nodes[m->roots[t]];
    while (node->feature >= 0)
      node = &m->nodes[x[node->feature] < node->value ? node->left
                                                       : node->left + 1];
    sum += node->value;
  }
  return sum;
}
