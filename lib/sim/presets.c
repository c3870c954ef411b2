/*
 * presets.c - the built-in scenarios, as scenario JSON text in exactly the
 * format of scenario files (docs/FORMATS.md), so that what a preset can
 * do a file can do, and `watchline sim --scenario border-night` equals
 * running a copy of this text from a file.
 *
 * Design: one string per preset, parsed by wl_scenario_parse() like any
 * file. All share one tower on a desert border (except long-range, a taller
 * tower with a narrow lens); each puts targets in view from the first frame
 * so a 300-frame run at the camera's fps shows them at once.
 *
 * Invariants: every preset parses (the sim_presets test loads and runs all
 * of them); the list ends with NULL.
 */
#include <string.h>

#include "sim_int.h"

static const char PRESET_BORDER_NIGHT[] =
    "{\n"
    "  \"name\": \"border-night\",\n"
    "  \"description\": \"A 15 m tower on a desert border at night, looking south over a patrol road: a group of three walkers, a runner, a crawler, a person who waits and then walks, a dog, a sheep, a patrol car and a bird.\",\n"
    "  \"duration_s\": 10,\n"
    "  \"camera\": {\"id\": \"tower-1\", \"width\": 640, \"height\": 512, \"hfov_deg\": 24,\n"
    "             \"lat\": 31.3412, \"lon\": -109.5601, \"height_m\": 15,\n"
    "             \"yaw_deg\": 180, \"pitch_deg\": -3, \"fps\": 30},\n"
    "  \"scene\": {\"time\": \"night\", \"ground_k\": 283, \"texture_k\": 1.2,\n"
    "            \"clutter_per_kpx\": 2.5, \"clutter_k\": 2.5, \"vegetation\": 10,\n"
    "            \"sway_px\": 0.8, \"shimmer_px\": 0.25, \"shimmer_k\": 0.1,\n"
    "            \"roads\": [{\"path\": [[-3000, -790], [0, -770], [3000, -760]],\n"
    "                       \"width_m\": 7, \"contrast_k\": 2.5}]},\n"
    "  \"sensor\": {\"netd_mk\": 40, \"fpn_col_mk\": 25, \"fpn_row_mk\": 15,\n"
    "             \"fpn_growth_mk_per_min\": 15, \"ffc_interval_s\": 180,\n"
    "             \"ffc_jitter_s\": 20, \"ffc_freeze_s\": 0.4,\n"
    "             \"drift_mk_per_min\": 200, \"psf_sigma_px\": 0.5},\n"
    "  \"targets\": [\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[40, -340], [-140, -362]]},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[43.5, -343], [-136.5, -365]], \"speed_mps\": 1.35},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[47, -339], [-133, -361]], \"height_m\": 1.62},\n"
    "    {\"class\": \"person\", \"kind\": \"running\", \"path\": [[-70, -620], [110, -575]]},\n"
    "    {\"class\": \"person\", \"kind\": \"crawling\", \"path\": [[15, -150], [8, -75]]},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[-28, -232], [-10, -180], [30, -150]],\n"
    "     \"pause\": [[0, 4]], \"heading_deg\": 20},\n"
    "    {\"class\": \"animal\", \"kind\": \"dog\", \"path\": [[-30, -186], [25, -202], [60, -260]], \"speed_mps\": 1.8},\n"
    "    {\"class\": \"animal\", \"kind\": \"sheep\", \"path\": [[72, -420], [60, -402], [66, -380]], \"speed_mps\": 0.4,\n"
    "     \"pause\": [[1, 5]]},\n"
    "    {\"class\": \"vehicle\", \"kind\": \"car\", \"path\": [[160, -776], [-600, -768]], \"speed_mps\": 12},\n"
    "    {\"class\": \"bird\", \"kind\": \"small\", \"path\": [[-25, -150], [70, -175]], \"altitude_m\": 22}\n"
    "  ]\n"
    "}\n";

static const char PRESET_BORDER_DAY[] =
    "{\n"
    "  \"name\": \"border-day\",\n"
    "  \"description\": \"The border-night tower on a hot afternoon: sun-warmed ground, strong heat shimmer, people barely warmer (one cooler) than the ground, a pickup with a hot engine, a dog, a camel and a large bird.\",\n"
    "  \"duration_s\": 10,\n"
    "  \"camera\": {\"id\": \"tower-1\", \"width\": 640, \"height\": 512, \"hfov_deg\": 24,\n"
    "             \"lat\": 31.3412, \"lon\": -109.5601, \"height_m\": 15,\n"
    "             \"yaw_deg\": 180, \"pitch_deg\": -3, \"fps\": 30},\n"
    "  \"scene\": {\"time\": \"day\", \"ground_k\": 306, \"texture_k\": 2.5, \"sky_k\": 266,\n"
    "            \"horizon_k\": 299, \"atmosphere_km\": 12,\n"
    "            \"clutter_per_kpx\": 1.2, \"clutter_k\": 4, \"vegetation\": 12,\n"
    "            \"sway_px\": 1.0, \"shimmer_px\": 0.7, \"shimmer_k\": 0.3,\n"
    "            \"shimmer_rows\": 16,\n"
    "            \"roads\": [{\"path\": [[-3000, -790], [0, -770], [3000, -760]],\n"
    "                       \"width_m\": 7, \"contrast_k\": 9}]},\n"
    "  \"sensor\": {\"netd_mk\": 40, \"ffc_interval_s\": 120, \"ffc_jitter_s\": 15,\n"
    "             \"drift_mk_per_min\": 300},\n"
    "  \"targets\": [\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[-60, -300], [90, -318]], \"contrast_k\": 4},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[-64, -302], [86, -320]], \"contrast_k\": 3.5, \"speed_mps\": 1.45},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[25, -210], [20, -120]], \"contrast_k\": -2.5},\n"
    "    {\"class\": \"person\", \"kind\": \"running\", \"path\": [[100, -520], [-100, -560]], \"contrast_k\": 5},\n"
    "    {\"class\": \"vehicle\", \"kind\": \"car\", \"path\": [[-150, -772], [500, -765]], \"speed_mps\": 15,\n"
    "     \"height_m\": 1.8, \"length_m\": 5.2, \"width_m\": 2.0, \"contrast_k\": 9},\n"
    "    {\"class\": \"animal\", \"kind\": \"dog\", \"path\": [[40, -160], [-20, -175]], \"speed_mps\": 1.6},\n"
    "    {\"class\": \"animal\", \"kind\": \"camel\", \"path\": [[-70, -430], [-40, -440]], \"speed_mps\": 0.9},\n"
    "    {\"class\": \"bird\", \"kind\": \"large\", \"path\": [[60, -220], [-80, -200]], \"altitude_m\": 40}\n"
    "  ]\n"
    "}\n";

static const char PRESET_LONG_RANGE[] =
    "{\n"
    "  \"name\": \"long-range\",\n"
    "  \"description\": \"A 25 m tower with a narrow (8 degree) lens watching 1 to 5 km out at night: people a few pixels tall down to single dim pixels, a car on a distant track, a truck at 5 km and a camel.\",\n"
    "  \"duration_s\": 12,\n"
    "  \"camera\": {\"id\": \"tower-lr\", \"width\": 640, \"height\": 512, \"hfov_deg\": 8,\n"
    "             \"lat\": 31.3489, \"lon\": -109.9102, \"height_m\": 25,\n"
    "             \"yaw_deg\": 180, \"pitch_deg\": -0.8, \"fps\": 25},\n"
    "  \"scene\": {\"time\": \"night\", \"ground_k\": 284, \"texture_k\": 1.2,\n"
    "            \"atmosphere_km\": 20, \"clutter_per_kpx\": 1.0, \"clutter_k\": 2,\n"
    "            \"vegetation\": 6, \"shimmer_px\": 0.5, \"shimmer_k\": 0.15,\n"
    "            \"shimmer_rows\": 20,\n"
    "            \"roads\": [{\"path\": [[-5000, -2530], [0, -2500], [5000, -2470]],\n"
    "                       \"width_m\": 6, \"contrast_k\": 2.5}]},\n"
    "  \"sensor\": {\"netd_mk\": 35, \"ffc_interval_s\": 180, \"ffc_jitter_s\": 20},\n"
    "  \"targets\": [\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[60, -1500], [-40, -1512]]},\n"
    "    {\"class\": \"person\", \"kind\": \"crawling\", \"path\": [[-20, -1000], [-16, -950]]},\n"
    "    {\"class\": \"person\", \"kind\": \"running\", \"path\": [[-120, -2000], [60, -2050]]},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[-100, -3000], [50, -3020]]},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[-104, -3003], [46, -3023]], \"height_m\": 1.65},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[150, -4500], [0, -4480]]},\n"
    "    {\"class\": \"vehicle\", \"kind\": \"car\", \"path\": [[-160, -2508], [400, -2491]], \"speed_mps\": 15},\n"
    "    {\"class\": \"vehicle\", \"kind\": \"truck\", \"path\": [[250, -5000], [-300, -5010]], \"speed_mps\": 10},\n"
    "    {\"class\": \"animal\", \"kind\": \"camel\", \"path\": [[80, -3500], [60, -3450]], \"speed_mps\": 0.8}\n"
    "  ]\n"
    "}\n";

static const char PRESET_CROWD[] =
    "{\n"
    "  \"name\": \"crowd\",\n"
    "  \"description\": \"Two groups of ten people crossing each other 150 m from a 12 m tower, with people walking straight towards and away from the camera through them, a runner and two who stand: crossing paths and occlusions.\",\n"
    "  \"duration_s\": 12,\n"
    "  \"camera\": {\"id\": \"tower-2\", \"width\": 640, \"height\": 512, \"hfov_deg\": 24,\n"
    "             \"lat\": 31.3330, \"lon\": -109.3901, \"height_m\": 12,\n"
    "             \"yaw_deg\": 180, \"pitch_deg\": -4, \"fps\": 30},\n"
    "  \"scene\": {\"time\": \"night\", \"ground_k\": 282, \"texture_k\": 1.2,\n"
    "            \"clutter_per_kpx\": 1.0, \"vegetation\": 6},\n"
    "  \"targets\": [\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[2, -240], [0, -100]], \"speed_mps\": 1.5},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[-3, -110], [-6, -260]]},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[6, -200], [4, -110]], \"speed_mps\": 1.2},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[-8, -125], [-10, -230]], \"speed_mps\": 1.3},\n"
    "    {\"class\": \"person\", \"kind\": \"running\", \"path\": [[-40, -175], [45, -165]]},\n"
    "    {\"class\": \"person\", \"kind\": \"standing\", \"path\": [[1, -170]]},\n"
    "    {\"class\": \"person\", \"kind\": \"standing\", \"path\": [[-12, -140]], \"heading_deg\": 90}\n"
    "  ],\n"
    "  \"spawn\": [\n"
    "    {\"count\": 10, \"class\": \"person\", \"kind\": \"walking\", \"center\": [-14, -150],\n"
    "     \"radius_m\": 9, \"heading_deg\": 90, \"heading_spread_deg\": 20,\n"
    "     \"distance_m\": 60, \"speed_spread\": 0.15},\n"
    "    {\"count\": 10, \"class\": \"person\", \"kind\": \"walking\", \"center\": [14, -160],\n"
    "     \"radius_m\": 9, \"heading_deg\": 270, \"heading_spread_deg\": 20,\n"
    "     \"distance_m\": 60, \"speed_spread\": 0.15}\n"
    "  ]\n"
    "}\n";

static const char PRESET_NUISANCE[] =
    "{\n"
    "  \"name\": \"nuisance\",\n"
    "  \"description\": \"No intruders: a flock of sheep with two dogs, two camels, birds, forty swaying bushes, strong horizon shimmer and an FFC storm (six flat-field corrections in ten seconds). Every alarm here is false.\",\n"
    "  \"duration_s\": 10,\n"
    "  \"camera\": {\"id\": \"tower-1\", \"width\": 640, \"height\": 512, \"hfov_deg\": 24,\n"
    "             \"lat\": 31.3412, \"lon\": -109.5601, \"height_m\": 15,\n"
    "             \"yaw_deg\": 180, \"pitch_deg\": -3, \"fps\": 30},\n"
    "  \"scene\": {\"time\": \"night\", \"ground_k\": 283, \"texture_k\": 1.4,\n"
    "            \"clutter_per_kpx\": 1.5, \"clutter_k\": 2.5, \"vegetation\": 40,\n"
    "            \"sway_px\": 1.0, \"shimmer_px\": 0.8, \"shimmer_k\": 0.3,\n"
    "            \"shimmer_rows\": 18},\n"
    "  \"sensor\": {\"ffc_interval_s\": 20, \"ffc_jitter_s\": 5, \"ffc_freeze_s\": 0.4,\n"
    "             \"ffc_times_s\": [1.0, 2.6, 4.0, 5.5, 7.5, 9.0]},\n"
    "  \"targets\": [\n"
    "    {\"class\": \"animal\", \"kind\": \"dog\", \"path\": [[0, -280], [30, -290], [10, -320]], \"speed_mps\": 1.6, \"loop\": true},\n"
    "    {\"class\": \"animal\", \"kind\": \"dog\", \"path\": [[50, -330], [20, -310]], \"speed_mps\": 0.8,\n"
    "     \"pause\": [[0, 3]]},\n"
    "    {\"class\": \"animal\", \"kind\": \"camel\", \"path\": [[-90, -620], [-60, -640]], \"speed_mps\": 0.7},\n"
    "    {\"class\": \"animal\", \"kind\": \"camel\", \"path\": [[-97, -615], [-67, -633]], \"speed_mps\": 0.7},\n"
    "    {\"class\": \"bird\", \"kind\": \"small\", \"path\": [[-40, -120], [60, -150]], \"altitude_m\": 18},\n"
    "    {\"class\": \"bird\", \"kind\": \"small\", \"path\": [[-30, -125], [70, -140]], \"altitude_m\": 20},\n"
    "    {\"class\": \"bird\", \"kind\": \"small\", \"path\": [[50, -200], [-40, -160]], \"altitude_m\": 8},\n"
    "    {\"class\": \"bird\", \"kind\": \"large\", \"path\": [[-100, -400], [100, -420]], \"altitude_m\": 60},\n"
    "    {\"class\": \"bird\", \"kind\": \"large\", \"path\": [[80, -300], [-20, -250]], \"altitude_m\": 25}\n"
    "  ],\n"
    "  \"spawn\": [\n"
    "    {\"count\": 12, \"class\": \"animal\", \"kind\": \"sheep\", \"center\": [20, -300],\n"
    "     \"radius_m\": 15, \"heading_deg\": 100, \"heading_spread_deg\": 60,\n"
    "     \"distance_m\": 30, \"legs\": 3, \"speed_mps\": 0.4, \"speed_spread\": 0.4}\n"
    "  ]\n"
    "}\n";

static const char PRESET_VEHICLE_RUN[] =
    "{\n"
    "  \"name\": \"vehicle-run\",\n"
    "  \"description\": \"Vehicles at night from a 20 m tower: cars and a truck driving towards and away from the camera on a track, traffic crossing on the patrol road at 700 m, and a parked car with its engine running next to a person.\",\n"
    "  \"duration_s\": 10,\n"
    "  \"camera\": {\"id\": \"tower-3\", \"width\": 640, \"height\": 512, \"hfov_deg\": 18,\n"
    "             \"lat\": 31.3361, \"lon\": -109.2488, \"height_m\": 20,\n"
    "             \"yaw_deg\": 180, \"pitch_deg\": -2.5, \"fps\": 30},\n"
    "  \"scene\": {\"time\": \"night\", \"ground_k\": 283, \"texture_k\": 1.2,\n"
    "            \"clutter_per_kpx\": 1.0, \"vegetation\": 8, \"shimmer_px\": 0.3,\n"
    "            \"roads\": [{\"path\": [[-30, -120], [-25, -300], [0, -600], [60, -1200], [150, -2000]],\n"
    "                       \"width_m\": 5, \"contrast_k\": 2},\n"
    "                      {\"path\": [[-3000, -695], [0, -706], [3000, -717]],\n"
    "                       \"width_m\": 7, \"contrast_k\": 2.5}]},\n"
    "  \"targets\": [\n"
    "    {\"class\": \"vehicle\", \"kind\": \"car\", \"path\": [[-25, -300], [0, -600], [60, -1200]], \"speed_mps\": 14},\n"
    "    {\"class\": \"vehicle\", \"kind\": \"car\", \"path\": [[50, -1100], [0, -600], [-25, -300], [-30, -120]], \"speed_mps\": 16},\n"
    "    {\"class\": \"vehicle\", \"kind\": \"truck\", \"path\": [[-27, -200], [-25, -300], [0, -600]], \"speed_mps\": 8},\n"
    "    {\"class\": \"vehicle\", \"kind\": \"car\", \"path\": [[80, -702], [-600, -704]], \"speed_mps\": 16},\n"
    "    {\"class\": \"vehicle\", \"kind\": \"truck\", \"path\": [[-125, -708], [600, -704]], \"speed_mps\": 11},\n"
    "    {\"class\": \"vehicle\", \"kind\": \"car\", \"path\": [[-40, -250]], \"heading_deg\": 80, \"speed_mps\": 0, \"hot_k\": 30},\n"
    "    {\"class\": \"person\", \"kind\": \"walking\", \"path\": [[-36, -247], [-20, -262]], \"speed_mps\": 1.0}\n"
    "  ]\n"
    "}\n";

static const char *const PRESET_NAMES[] = {
    "border-night",
    "border-day",
    "long-range",
    "crowd",
    "nuisance",
    "vehicle-run",
    NULL};

static const char *const PRESET_TEXTS[] = {
    PRESET_BORDER_NIGHT,
    PRESET_BORDER_DAY,
    PRESET_LONG_RANGE,
    PRESET_CROWD,
    PRESET_NUISANCE,
    PRESET_VEHICLE_RUN,
    NULL};

const char *const *wl_sim_presets(void) { return PRESET_NAMES; }

const char *wl__preset_text(const char *name) {
  for (size_t i = 0; PRESET_NAMES[i]; i++)
    if (strcmp(PRESET_NAMES[i], name) == 0) return PRESET_TEXTS[i];
  return NULL;
}
