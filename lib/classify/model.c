/*
 * model.c - the classifier's numbers (see classify_int.h for their
 * meaning), written by tools/classify-tune.c:
 *   classify-tune fit --pipeline --first-seed 20 --seeds 40
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
    /* walking: 4080 observations on the ground, 4101 in all */
    {"walking", WL_CLASS_PERSON, 0.2500,
     {{0.5035, 0.2000}, {-0.5281, 0.2471}, {0.4185, 0.6547}, {1.9192, 0.4961}},
     {{1.0353, 0.2800}, {-0.4674, 0.4699}, {1.9218, 0.4964}},
     0.0050},
    /* running: 4354 observations on the ground, 4338 in all */
    {"running", WL_CLASS_PERSON, 0.2500,
     {{0.5137, 0.2000}, {-0.4119, 0.2827}, {1.2279, 0.5646}, {2.0981, 0.4270}},
     {{0.9293, 0.2815}, {0.2582, 0.5786}, {2.0980, 0.4274}},
     0.0050},
    /* crawling: 3432 observations on the ground, 3431 in all */
    {"crawling", WL_CLASS_PERSON, 0.2500,
     {{-0.9159, 0.2000}, {0.1525, 0.3593}, {-0.5649, 0.3616}, {1.7196, 0.5465}},
     {{-1.0681, 0.3629}, {-0.2279, 0.5214}, {1.7189, 0.5468}},
     0.0050},
    /* standing: too few observations; row kept from the previous table */
    {"standing", WL_CLASS_PERSON, 0.2500,
     {{0.5617, 0.2000}, {-0.7499, 0.2000}, {-1.2040, 0.2500}, {1.8834, 0.6271}},
     {{1.3116, 0.2000}, {-2.3026, 0.3000}, {1.8834, 0.6271}},
     0.0050},
    /* car: 2396 observations on the ground, 2398 in all */
    {"car", WL_CLASS_VEHICLE, 0.5000,
     {{0.3699, 0.2629}, {1.1552, 0.4812}, {1.7240, 0.8227}, {3.4394, 0.3802}},
     {{-0.7829, 0.4859}, {0.6788, 0.8630}, {3.4392, 0.3802}},
     0.0050},
    /* truck: 3708 observations on the ground, 3912 in all */
    {"truck", WL_CLASS_VEHICLE, 0.5000,
     {{1.1950, 0.2111}, {1.8454, 0.4383}, {1.6049, 0.5791}, {3.6538, 0.3559}},
     {{-0.4750, 0.6534}, {-0.0748, 0.6595}, {3.5504, 0.4627}},
     0.0050},
    /* dog: 3744 observations on the ground, 3738 in all */
    {"dog", WL_CLASS_ANIMAL, 0.3333,
     {{-0.5426, 0.2000}, {-0.3445, 0.3998}, {0.2968, 0.5206}, {1.8933, 0.5692}},
     {{-0.1977, 0.3862}, {0.3911, 0.6633}, {1.8928, 0.5694}},
     0.0050},
    /* sheep: 3432 observations on the ground, 3430 in all */
    {"sheep", WL_CLASS_ANIMAL, 0.3333,
     {{-0.4189, 0.2471}, {-0.0467, 0.3568}, {-0.4163, 0.4514}, {1.4886, 0.5247}},
     {{-0.3725, 0.3573}, {-0.4395, 0.4969}, {1.4884, 0.5247}},
     0.0050},
    /* camel: 4327 observations on the ground, 4365 in all */
    {"camel", WL_CLASS_ANIMAL, 0.3333,
     {{0.6591, 0.2009}, {0.4098, 0.5797}, {0.3373, 0.7972}, {1.9043, 0.3508}},
     {{0.2636, 0.5516}, {-0.7423, 0.5129}, {1.9104, 0.3534}},
     0.0050},
    /* small: 1130 observations on the ground, 1944 in all */
    {"small", WL_CLASS_BIRD, 0.5000,
     {{-0.6350, 0.6012}, {-0.1377, 0.5162}, {2.9517, 0.8008}, {1.3016, 0.6269}},
     {{-0.4642, 0.3073}, {3.0099, 0.7955}, {1.5365, 0.6739}},
     0.4188},
    /* large: 1261 observations on the ground, 1658 in all */
    {"large", WL_CLASS_BIRD, 0.5000,
     {{-0.1782, 0.5381}, {0.8945, 0.5222}, {3.2893, 0.9523}, {2.0880, 0.3466}},
     {{-1.0677, 0.2849}, {2.5762, 0.7885}, {2.1768, 0.3564}},
     0.2398},
};
