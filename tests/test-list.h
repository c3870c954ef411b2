/*
 * test-list.h - every test, one X(name) per test, grouped by module.
 * A test named foo is implemented as TEST_IMPL(foo) in one of the test-*.c
 * files. CMake reads this file to register each test with ctest.
 */
#ifndef WL_TESTS_TEST_LIST_H
#define WL_TESTS_TEST_LIST_H

#define TESTS_CORE(X) \
  X(core_errors) \
  X(core_frame_alloc) \
  X(core_select_kth)

#define TESTS_GEODESY(X) \
  X(geodesy_known_ecef) \
  X(geodesy_round_trip) \
  X(geodesy_enu) \
  X(geodesy_vs_proj_geodesic)

#define TESTS_CAMERA(X) \
  X(camera_ground_vs_independent) \
  X(camera_projection_round_trip) \
  X(camera_orientation) \
  X(camera_horizon) \
  X(camera_footprint) \
  X(camera_heights_px) \
  X(camera_ground_surface) \
  X(camera_json_example) \
  X(camera_json_errors) \
  X(camera_json_syntax) \
  X(camera_json_round_trip)

#define TESTS_IO(X) \
  X(io_pgm_roundtrip) \
  X(io_png_roundtrip) \
  X(io_tiff_roundtrip) \
  X(io_raw_roundtrip) \
  X(io_sink_source_dir) \
  X(io_sink_source_pattern_glob) \
  X(io_sink_source_single) \
  X(io_sink_source_raw) \
  X(io_png_color_luma) \
  X(io_tiff_color_luma) \
  X(io_pgm_bad) \
  X(io_png_bad) \
  X(io_tiff_bad) \
  X(io_raw_bad) \
  X(io_source_bad) \
  X(io_sink_bad) \
  X(io_snapshot_range) \
  X(io_snapshot_write) \
  X(io_parse_names)

#define TESTS_VIDEO(X) \
  X(video_ffv1_roundtrip_odd) \
  X(video_ffv1_roundtrip_vga) \
  X(video_ffv1_radiometry_override) \
  X(video_sink_errors) \
  X(video_api_roundtrip) \
  X(video_decode_h264) \
  X(video_decode_h265) \
  X(video_decode_h265_10bit) \
  X(video_decode_mjpeg) \
  X(video_decode_ffv1_gray16) \
  X(video_decode_ffv1_gray10) \
  X(video_decode_raw_gray8) \
  X(video_decode_raw_gray16le) \
  X(video_decode_raw_gray16be) \
  X(video_decode_raw_nv12) \
  X(video_decode_raw_yuyv) \
  X(video_decode_raw_rgb24) \
  X(video_decode_png_pal8) \
  X(video_truncated) \
  X(video_random_bytes) \
  X(video_missing_file) \
  X(video_missing_device) \
  X(video_rtsp_refused) \
  X(video_rtsp_silent_server) \
  X(video_http_stream) \
  X(video_size_change) \
  X(video_memory_input) \
  X(video_halmstad_part0) \
  X(video_halmstad_part1) \
  X(video_halmstad_part2) \
  X(video_halmstad_part3)

#define TESTS_SIM(X) \
  X(sim_determinism) \
  X(sim_truth_camera) \
  X(sim_size_range) \
  X(sim_ffc) \
  X(sim_netd) \
  X(sim_contrast) \
  X(sim_occlusion) \
  X(sim_paths) \
  X(sim_scene_motion) \
  X(sim_scenario_errors) \
  X(sim_presets) \
  X(sim_snapshots)

#define TESTS_DETECT(X) \
  X(detect_components_stats) \
  X(detect_components_large) \
  X(detect_spot_params) \
  X(detect_spot_synthetic_targets) \
  X(detect_spot_polarity) \
  X(detect_spot_mask_radius) \
  X(detect_spot_cut) \
  X(detect_spot_false_alarm_rate) \
  X(detect_sirst_score_rules) \
  X(detect_sirst_split_parse) \
  X(detect_sirst_eval_files) \
  X(detect_cli) \
  X(detect_sirst_floor)

#define TESTS_EVAL(X) \
  X(eval_assign_brute_force) \
  X(eval_assign_degenerate) \
  X(eval_assign_reuse_large) \
  X(eval_motfile_parse) \
  X(eval_motfile_errors) \
  X(eval_mot_perfect) \
  X(eval_mot_empty_prediction) \
  X(eval_mot_id_switch) \
  X(eval_mot_fragmented_track) \
  X(eval_mot_false_positive_track) \
  X(eval_mot_partial_overlap) \
  X(eval_mot_two_objects_crossing) \
  X(eval_mot_class_and_ignored_rows) \
  X(eval_mot_invariants) \
  X(eval_boxes_labels_parse) \
  X(eval_boxes_hand) \
  X(eval_boxes_halmstad_self) \
  X(eval_cli_mot) \
  X(eval_cli_boxes)

#define TESTS_MOTION(X) \
  X(preprocess_badpix_parse) \
  X(preprocess_badpix_apply) \
  X(preprocess_drift_and_noise) \
  X(preprocess_agc_gain) \
  X(preprocess_ffc_events) \
  X(preprocess_quiet_source) \
  X(preprocess_blank_and_size) \
  X(motion_walker_warm) \
  X(motion_early_detect) \
  X(motion_early_trail_of_dropped) \
  X(motion_warm_spots) \
  X(motion_warm_spot_exact) \
  X(pipeline_ffc_step_quiet) \
  X(motion_walker_cold) \
  X(motion_drift_quiet) \
  X(motion_agc_step_quiet) \
  X(motion_dim_target) \
  X(motion_frozen_skipped) \
  X(motion_ffc_keeps_thresholds) \
  X(motion_jitter_weak) \
  X(motion_sway_loss) \
  X(motion_runs_any_alignment) \
  X(motion_subpixel_box) \
  X(motion_subpixel_thin_top) \
  X(motion_crowd_no_trail) \
  X(motion_split_side_by_side) \
  X(motion_split_keeps_single) \
  X(motion_split_stacked) \
  X(motion_split_group_stacked) \
  X(motion_split_overlap) \
  X(motion_split_overlap_edges) \
  X(motion_split_overlap_legs) \
  X(motion_split_overlap_taller) \
  X(motion_split_overlap_sides) \
  X(motion_split_heads) \
  X(motion_split_heads_keeps_single) \
  X(motion_state_bound) \
  X(motion_kernel_blocks) \
  X(motion_errors) \
  X(motion_sim_border_night) \
  X(motion_sim_nuisance)

#define TESTS_TRACK(X) \
  X(track_crossing_optimal) \
  X(track_polarity_gate) \
  X(track_merge_split) \
  X(track_merge_split_side_by_side) \
  X(track_reacquire) \
  X(track_tentative_not_output) \
  X(track_take_id) \
  X(track_slow_drift_confirm) \
  X(track_spots_end) \
  X(track_spots_keep_point_like) \
  X(track_vouch_static) \
  X(track_vouch_gate) \
  X(track_reacquire_gate) \
  X(track_merge_velocity) \
  X(track_contested_hold) \
  X(track_anchor_cost) \
  X(track_clean_narrow) \
  X(track_hidden_output) \
  X(track_standing_hold) \
  X(track_standing_hold_covered) \
  X(track_relink) \
  X(track_relink_standing) \
  X(track_relink_slow) \
  X(track_confirm_now) \
  X(track_grow_whole) \
  X(track_grow_back) \
  X(track_residue_hidden) \
  X(track_residue_part_keeps) \
  X(track_box_unbiased) \
  X(track_box_gait) \
  X(track_person_cut_extended) \
  X(track_person_stature) \
  X(track_piece_centroid_damped) \
  X(track_dim_confirm) \
  X(track_coast_freeze) \
  X(track_hold_confirm) \
  X(track_static_after_ffc) \
  X(track_restart_clutter) \
  X(track_wanderer_not_confirmed) \
  X(track_row_streak_not_confirmed) \
  X(track_flat_streak_not_confirmed) \
  X(track_large_static_not_confirmed) \
  X(track_swayed_static_not_confirmed) \
  X(track_fragment_not_confirmed) \
  X(track_fragment_residue_not_confirmed) \
  X(track_part_not_output) \
  X(track_cold_trail_not_confirmed) \
  X(track_small_static_needs_more_hits) \
  X(track_ghost_not_confirmed) \
  X(track_cold_ghost_not_confirmed) \
  X(track_cold_ghost_mean_height) \
  X(track_ffc_jump_not_motion) \
  X(track_ffc_jump_back_counts) \
  X(track_growing_blob_not_motion) \
  X(track_size_for_range) \
  X(track_drift_needs_range) \
  X(track_jitter_explained_not_confirmed) \
  X(track_dim_flicker_not_moving) \
  X(track_far_needs_hits) \
  X(track_static_min_size) \
  X(track_cold_squat_not_static) \
  X(track_cold_late_not_confirmed) \
  X(track_sky_edge_not_confirmed) \
  X(track_irregular_dt) \
  X(track_no_alloc_per_frame) \
  X(track_capacity_and_bad_input) \
  X(track_many_targets) \
  X(track_crowd_identity) \
  X(classify_features_physical) \
  X(classify_far_speed_and_contrast) \
  X(classify_temporal_and_unknown) \
  X(classify_small_hot_vehicle) \
  X(classify_too_long_for_person) \
  X(classify_sim_presets)

#define TESTS_REPORT(X) \
  X(report_short_never_long_whole) \
  X(report_flush_rest) \
  X(report_off_pass_through) \
  X(report_bad_input) \
  X(report_steady_memory)

#define TESTS_ANALYZE(X) \
  X(analyze_pipeline_state_bound) \
  X(analyze_blank_frames) \
  X(analyze_cli_outputs) \
  X(analyze_bad_input) \
  X(analyze_clutter_gate_clutter) \
  X(analyze_clutter_gate_groups) \
  X(analyze_clutter_gate_shape) \
  X(analyze_clutter_gate_pass) \
  X(analyze_clutter_gate_slow) \
  X(analyze_clutter_gate_strength) \
  X(analyze_clutter_gate_strength_clutter) \
  X(analyze_global_motion) \
  X(analyze_spatial8_spots) \
  X(analyze_spatial8_continue) \
  X(analyze_spatial8_pipeline) \
  X(analyze_cli_spot_ids) \
  X(analyze_still_blob) \
  X(analyze_still_blocks) \
  X(analyze_still_cold_ring) \
  X(analyze_still_pipeline) \
  X(analyze_cold_ghost_dropped) \
  X(analyze_cold_ghost_rows) \
  X(analyze_still_alone) \
  X(analyze_still_vouch_polarity) \
  X(analyze_still_vouch_held) \
  X(analyze_still_sway) \
  X(analyze_still_sway_wait) \
  X(analyze_still_person_run) \
  X(analyze_still_early) \
  X(analyze_still_sure) \
  X(analyze_still_sure_whole) \
  X(analyze_still_refine) \
  X(analyze_still_refine_flock) \
  X(analyze_still_refine_group) \
  X(analyze_still_refine_group_over) \
  X(analyze_still_refine_cut) \
  X(analyze_still_refine_cut_rest) \
  X(analyze_still_refine_side) \
  X(analyze_still_refine_edge) \
  X(analyze_still_refine_fit) \
  X(analyze_still_sure_pipeline) \
  X(analyze_frozen_hold) \
  X(analyze_still_subpixel)

#define TESTS_ACCURACY(X) \
  X(accuracy_oracle_perfect) \
  X(accuracy_fragmentation_hand) \
  X(accuracy_clips_parse) \
  X(accuracy_sim_border_night) \
  X(accuracy_sim_crowd) \
  X(accuracy_sim_long_range) \
  X(accuracy_sim_nuisance) \
  X(accuracy_sim_class) \
  X(accuracy_halmstad_close_medium) \
  X(accuracy_halmstad_distant)

#define TESTS_CLI(X) \
  X(cli_help_version_exit_codes) \
  X(cli_sim_then_info) \
  X(cli_convert_round_trip) \
  X(cli_demo_runs)

#define ALL_TESTS(X) \
  TESTS_CORE(X) TESTS_GEODESY(X) TESTS_CAMERA(X) TESTS_IO(X) TESTS_VIDEO(X) \
  TESTS_SIM(X) TESTS_DETECT(X) TESTS_MOTION(X) TESTS_EVAL(X) TESTS_TRACK(X) \
  TESTS_REPORT(X) TESTS_ANALYZE(X) TESTS_CLI(X) \
  TESTS_ACCURACY(X)

#define TEST_DECLARE_X(name) int run_test_##name(void);
ALL_TESTS(TEST_DECLARE_X)

struct test_entry {
  const char *name;
  int (*fn)(void);
};

#define TEST_ENTRY_X(name) {#name, run_test_##name},
static const struct test_entry TEST_ENTRIES[] = {ALL_TESTS(TEST_ENTRY_X){NULL, NULL}};

#endif
