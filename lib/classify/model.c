/*
 * model.c - the classifier's numbers (see classify_int.h for their
 * meaning), written by tools/classify-tune.c:
 *   classify-tune fit --first-seed 1000 --seeds 40
 * from random scenarios (never the seeds used for evaluation).
 * Per kind: {mean, sd} of each feature, camera set then image set,
 * then P(above the horizon). Observation counts in comments. sd is
 * the fitted spread but at least 0.2 (sizes, aspect), 0.25 / 0.3
 * (speed with / without camera) and 0.3 (contrast).
 */
#include "classify_int.h"

const char *const wl__cam_feature_names[WL__CF_COUNT] = {
    "ln height_m", "ln width_m", "ln(speed_mps + 0.3)", "ln contrast_k"};
const char *const wl__img_feature_names[WL__IF_COUNT] = {
    "ln(h / w)", "ln(speed / h + 0.1)", "ln contrast"};

const wl__kind_model_t wl__kind_models[WL__KIND_MODELS] = {
    /* walking: 5989 observations on the ground, 5989 in all */
    {"walking", WL_CLASS_PERSON, 0.2500,
     {{0.5457, 0.2000}, {-0.5432, 0.2000}, {0.5097, 0.2500}, {1.8668, 0.7013}},
     {{1.0888, 0.2000}, {-0.5276, 0.4772}, {1.8668, 0.7013}},
     0.0050},
    /* running: 6269 observations on the ground, 6269 in all */
    {"running", WL_CLASS_PERSON, 0.2500,
     {{0.5511, 0.2000}, {-0.4221, 0.2000}, {1.2948, 0.2500}, {1.9512, 0.5497}},
     {{0.9732, 0.2000}, {0.1441, 0.5587}, {1.9512, 0.5497}},
     0.0050},
    /* crawling: 5771 observations on the ground, 5771 in all */
    {"crawling", WL_CLASS_PERSON, 0.2500,
     {{-0.9053, 0.2000}, {0.1878, 0.3252}, {-0.2034, 0.2500}, {1.7285, 0.6389}},
     {{-1.0931, 0.3052}, {-0.2350, 0.4748}, {1.7285, 0.6389}},
     0.0050},
    /* standing: 6048 observations on the ground, 6048 in all */
    {"standing", WL_CLASS_PERSON, 0.2500,
     {{0.5509, 0.2000}, {-0.7708, 0.2000}, {-1.2015, 0.2500}, {1.8562, 0.8444}},
     {{1.3217, 0.2000}, {-2.3012, 0.3000}, {1.8562, 0.8444}},
     0.0050},
    /* car: 4377 observations on the ground, 4377 in all */
    {"car", WL_CLASS_VEHICLE, 0.5000,
     {{0.4286, 0.2000}, {1.3652, 0.2881}, {1.6338, 1.0992}, {3.5262, 0.3000}},
     {{-0.9366, 0.2962}, {0.5677, 1.2399}, {3.5262, 0.3000}},
     0.0050},
    /* truck: 4795 observations on the ground, 4795 in all */
    {"truck", WL_CLASS_VEHICLE, 0.5000,
     {{1.1717, 0.2000}, {1.8085, 0.3465}, {1.7283, 0.2500}, {3.6868, 0.3000}},
     {{-0.6368, 0.3368}, {-0.0313, 0.6062}, {3.6868, 0.3000}},
     0.0050},
    /* dog: 5774 observations on the ground, 5774 in all */
    {"dog", WL_CLASS_ANIMAL, 0.3333,
     {{-0.5136, 0.2000}, {-0.1379, 0.2788}, {0.5889, 0.2500}, {1.7233, 0.8350}},
     {{-0.3757, 0.2762}, {0.5920, 0.5272}, {1.7233, 0.8350}},
     0.0050},
    /* sheep: 5572 observations on the ground, 5572 in all */
    {"sheep", WL_CLASS_ANIMAL, 0.3333,
     {{-0.3241, 0.2000}, {0.0375, 0.2809}, {-0.1241, 0.2500}, {1.3410, 0.7573}},
     {{-0.3616, 0.2746}, {-0.6056, 0.5170}, {1.3410, 0.7573}},
     0.0050},
    /* camel: 5645 observations on the ground, 5645 in all */
    {"camel", WL_CLASS_ANIMAL, 0.3333,
     {{0.6982, 0.2000}, {0.6174, 0.3476}, {0.3675, 0.2500}, {1.7092, 0.6223}},
     {{0.0808, 0.3457}, {-0.8272, 0.5394}, {1.7092, 0.6223}},
     0.0050},
    /* small: 2043 observations on the ground, 3333 in all */
    {"small", WL_CLASS_BIRD, 0.5000,
     {{-1.2209, 0.5068}, {-0.2356, 0.5653}, {2.9737, 0.6835}, {1.1603, 0.9114}},
     {{-0.9754, 0.2000}, {3.0073, 1.0414}, {1.2878, 0.8830}},
     0.3871},
    /* large: 1374 observations on the ground, 2180 in all */
    {"large", WL_CLASS_BIRD, 0.5000,
     {{-0.2190, 0.5082}, {0.9699, 0.5734}, {3.7648, 1.2140}, {1.9155, 0.4193}},
     {{-1.1855, 0.2000}, {2.4738, 0.9458}, {2.2491, 0.5714}},
     0.3698},
};
