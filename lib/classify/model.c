/*
 * model.c - the classifier's numbers (see classify_int.h for their
 * meaning), written by tools/classify-tune.c:
 *   classify-tune fit --detector --first-seed 20 --seeds 40
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
    /* walking: 4087 observations on the ground, 4087 in all */
    {"walking", WL_CLASS_PERSON, 0.2500,
     {{0.5389, 0.2000}, {-0.4419, 0.2580}, {0.8075, 0.6449}, {1.8972, 0.5133}},
     {{0.9808, 0.2892}, {-0.5128, 0.4915}, {1.8972, 0.5133}},
     0.0050},
    /* running: 4273 observations on the ground, 4273 in all */
    {"running", WL_CLASS_PERSON, 0.2500,
     {{0.5584, 0.2000}, {-0.3307, 0.2914}, {1.4283, 0.4721}, {2.0872, 0.4401}},
     {{0.8890, 0.2804}, {0.2150, 0.5816}, {2.0872, 0.4401}},
     0.0050},
    /* crawling: 4022 observations on the ground, 4022 in all */
    {"crawling", WL_CLASS_PERSON, 0.2500,
     {{-0.8206, 0.2094}, {0.1216, 0.3987}, {-0.1477, 0.5244}, {1.6671, 0.5816}},
     {{-0.9421, 0.4212}, {-0.3550, 0.5782}, {1.6671, 0.5816}},
     0.0050},
    /* standing: too few observations; row kept from the previous table */
    {"standing", WL_CLASS_PERSON, 0.2500,
     {{0.5617, 0.2000}, {-0.7499, 0.2000}, {-1.2040, 0.2500}, {1.8834, 0.6271}},
     {{1.3116, 0.2000}, {-2.3026, 0.3000}, {1.8834, 0.6271}},
     0.0050},
    /* car: 2518 observations on the ground, 2518 in all */
    {"car", WL_CLASS_VEHICLE, 0.5000,
     {{0.4344, 0.2570}, {1.1976, 0.4328}, {1.9497, 0.6266}, {3.3926, 0.4481}},
     {{-0.7632, 0.4254}, {0.5527, 0.9376}, {3.3926, 0.4481}},
     0.0050},
    /* truck: 3869 observations on the ground, 3869 in all */
    {"truck", WL_CLASS_VEHICLE, 0.5000,
     {{1.2259, 0.2123}, {1.8110, 0.4356}, {1.8110, 0.5460}, {3.6049, 0.3861}},
     {{-0.5850, 0.4093}, {-0.1194, 0.6589}, {3.6049, 0.3861}},
     0.0050},
    /* dog: 3711 observations on the ground, 3711 in all */
    {"dog", WL_CLASS_ANIMAL, 0.3333,
     {{-0.4578, 0.2000}, {-0.2826, 0.3904}, {0.6016, 0.3617}, {1.8571, 0.5961}},
     {{-0.1753, 0.3711}, {0.2904, 0.6767}, {1.8571, 0.5961}},
     0.0050},
    /* sheep: 3825 observations on the ground, 3825 in all */
    {"sheep", WL_CLASS_ANIMAL, 0.3333,
     {{-0.3448, 0.2539}, {-0.0184, 0.3611}, {0.0568, 0.5274}, {1.4232, 0.5851}},
     {{-0.3264, 0.3591}, {-0.5389, 0.5335}, {1.4232, 0.5851}},
     0.0050},
    /* camel: 4732 observations on the ground, 4732 in all */
    {"camel", WL_CLASS_ANIMAL, 0.3333,
     {{0.7104, 0.2084}, {0.6481, 0.4373}, {0.6438, 0.7412}, {1.9040, 0.3754}},
     {{0.0623, 0.3956}, {-0.8334, 0.5078}, {1.9040, 0.3754}},
     0.0050},
    /* small: 1069 observations on the ground, 1812 in all */
    {"small", WL_CLASS_BIRD, 0.5000,
     {{-0.5884, 0.5951}, {-0.0110, 0.5202}, {3.2085, 0.7545}, {1.3277, 0.6210}},
     {{-0.5493, 0.3015}, {2.9717, 0.7984}, {1.5699, 0.6741}},
     0.4101},
    /* large: 1244 observations on the ground, 1641 in all */
    {"large", WL_CLASS_BIRD, 0.5000,
     {{-0.0887, 0.5502}, {0.9487, 0.5276}, {3.3996, 0.9943}, {2.0940, 0.3405}},
     {{-1.0361, 0.2731}, {2.4832, 0.7936}, {2.1815, 0.3502}},
     0.2422},
};
