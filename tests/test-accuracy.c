/*
 * test-accuracy.c - accuracy floors: small subsets of the runs recorded in
 * docs/ACCURACY.md, scored by the same harness (tools/accuracy_run.c), with
 * floors a little below the figures measured on them, so that a change
 * that makes detection, tracking or classification worse fails CI.
 *
 * Each test prints the figures it measured (stderr) before asserting, so a
 * failing or a much-improved run shows where it stands; when the pipeline
 * improves, raise the floors here (keep them a few points below the new
 * figures) and record the new figures in docs/ACCURACY.md.
 *
 * Simulator subsets use evaluation seed 101 (seeds 1-99 are for tuning).
 * Halmstad subsets read ../shared (skipped when it is absent) and analyse
 * the first SUBSET_FRAMES frames of a few fixed clips, one per class, each
 * picked (in a full run of 26 Nov, docs/ACCURACY.md) as the clip whose F1 was
 * nearest its class-and-range median, so the subset moves with the whole
 * set rather than with one easy or hopeless clip. The two harness
 * self-tests (oracle, hand-made fragmentation) hold exact values.
 */
#include <stdlib.h>
#include <string.h>

#include "../tools/accuracy.h"
#include "task.h"

/* Halmstad clips are analysed this far (frames from the start). */
#define SUBSET_FRAMES 150

/* ---- floors: the figure measured on the subset in the comment ---------- */
#define FLOOR_BORDER_NIGHT_HOTA     0.74    /* 0.782 */
#define FLOOR_BORDER_NIGHT_RECALL   0.95    /* 0.989 */
#define FLOOR_CROWD_HOTA            0.65    /* 0.682 */
#define FLOOR_LONG_RANGE_RECALL     0.87    /* 0.922 */
#define CEIL_NUISANCE_FALSE_TRACKS  3       /* 0 in 10 s */
#define FLOOR_NUISANCE_HOTA         0.51    /* 0.542 (0.469 at 6106b50) */
#define FLOOR_CLASS_ACCURACY        0.90    /* 1.000 (32 of 32 tracks) */
#define FLOOR_HALMSTAD_CM_RECALL    0.78    /* 0.802 */
#define FLOOR_HALMSTAD_CM_F1        0.72    /* 0.738 */
#define FLOOR_HALMSTAD_DISTANT_RECALL 0.87  /* 0.922 */
#define FLOOR_HALMSTAD_DISTANT_F1   0.91    /* 0.960 */

/* ---- helpers ------------------------------------------------------------ */

static int run_sim(const char *preset, long frames, acc_sim_result_t *r,
                   wl_err_t *err) {
  acc_sim_opts_t o;
  acc_sim_default_opts(&o);
  o.scenario = preset;
  o.seed = 101;
  o.frames = frames;
  int rc = acc_sim_run(&o, r, err);
  if (rc == WL_OK)
    fprintf(stderr,
            "%s seed 101, %ld frames: HOTA %.3f DetA %.3f AssA %.3f MOTA %.3f "
            "IDF1 %.3f IDSW %ld; recall %.3f, eligible %.3f (%ld boxes); "
            "false tracks %ld of %ld; class %ld/%ld (%.1f s)\n",
            r->scenario, r->frames, r->mot.hota, r->mot.deta, r->mot.assa,
            r->mot.mota, r->mot.idf1, r->mot.idsw,
            (double)r->truth_matched / (double)(r->truth_boxes ? r->truth_boxes : 1),
            (double)r->eligible_matched / (double)(r->eligible ? r->eligible : 1),
            r->eligible, r->false_tracks, r->tracks, r->class_correct,
            r->class_tracks, r->seconds);
  return rc;
}

static double frac(long a, long b) { return b > 0 ? (double)a / (double)b : 0.0; }

/* Run the named clips (their first SUBSET_FRAMES frames) and sum the
 * centre-rule counts. Returns 0, or TEST_SKIP when ../shared is absent. */
static int run_clips(const char *const *names, size_t n_names,
                     wl_box_counts_t *sum, long *found, long *objects,
                     wl_err_t *err, int *rc_out) {
  const char *shared = test_shared_dir();
  *rc_out = WL_OK;
  if (!shared) return TEST_SKIP;
  const char *data = test_path(shared, "data/halmstad-ir");
  acc_clip_t *clips;
  size_t n;
  if ((*rc_out = acc_clips_read(data, &clips, &n, err)) != WL_OK) return 0;
  memset(sum, 0, sizeof *sum);
  *found = *objects = 0;
  for (size_t k = 0; k < n_names && *rc_out == WL_OK; k++) {
    const acc_clip_t *c = NULL;
    for (size_t i = 0; i < n && !c; i++)
      if (strcmp(clips[i].video, names[k]) == 0) c = &clips[i];
    if (!c) {
      *rc_out = wl_fail(err, WL_ENOTFOUND, "%s is not in videos.csv",
                        names[k]);
      break;
    }
    acc_clip_result_t r;
    *rc_out = acc_clip_run(data, c, NULL, NULL, SUBSET_FRAMES, NULL, &r,
                           err);
    if (*rc_out != WL_OK) break;
    fprintf(stderr, "%s (%s %s): %ld frames, centre TP %ld FP %ld FN %ld, "
            "F1 %.3f; objects %ld/%ld, ids %ld (%.1f s)\n",
            r.video, r.cls, r.bin, r.frames, r.ours.centre.tp,
            r.ours.centre.fp, r.ours.centre.fn, r.ours.centre.f1,
            r.ours.objects_found, r.ours.objects, r.ours.object_ids,
            r.ours.seconds);
    sum->tp += r.ours.centre.tp;
    sum->fp += r.ours.centre.fp;
    sum->fn += r.ours.centre.fn;
    *found += r.ours.objects_found;
    *objects += r.ours.objects;
  }
  free(clips);
  wl_box_counts_finish(sum);
  fprintf(stderr, "subset: precision %.3f recall %.3f F1 %.3f\n",
          sum->precision, sum->recall, sum->f1);
  return 0;
}

/* ---- harness self-tests ------------------------------------------------- */

/* The truth scored as the tracks must be perfect on every figure. */
TEST_IMPL(accuracy_oracle_perfect) {
  acc_sim_opts_t o;
  acc_sim_default_opts(&o);
  o.scenario = "border-night";
  o.seed = 101;
  o.frames = 90;
  o.oracle = 1;
  acc_sim_result_t r;
  wl_err_t err;
  ASSERT_OK(acc_sim_run(&o, &r, &err), &err);
  ASSERT_EQ(r.frames, 90);
  ASSERT_DBL_GE(r.mot.hota, 0.999);
  ASSERT_DBL_GE(r.mot.idf1, 0.999);
  ASSERT_EQ(r.mot.idsw, 0);
  ASSERT_GT(r.truth_boxes, 500);
  ASSERT_EQ(r.truth_matched, r.truth_boxes);
  ASSERT_EQ(r.eligible_matched, r.eligible);
  ASSERT_EQ(r.false_tracks, 0);
  ASSERT_EQ(r.tracks, (long)r.n_targets);
  /* 90 frames at 30 fps is 3 s: every track in view all along counts. */
  ASSERT_GT(r.class_tracks, 5);
  ASSERT_EQ(r.class_correct, r.class_tracks);
  ASSERT_DBL_GE(r.netd_k, 0.039);
  ASSERT_DBL_LE(r.netd_k, 0.041);
  acc_sim_result_free(&r);
  return 0;
}

/*
 * Labels: object 1 in frames 1-4 at (10,10,10,10) (centre 15,15; gate 8 px),
 * object 2 in frame 1 at (100,100,10,10). Predictions (1-based MOT rows):
 * id 7 on object 1 in frames 1-2, id 9 on it in frame 3 and just outside
 * the gate in frame 4, id 5 far away in frame 2 and in frame 5 (no label).
 * Object 1 is found with 2 ids, object 2 never; 1 prediction lies in an
 * unlabelled frame.
 */
TEST_IMPL(accuracy_fragmentation_hand) {
  static const char labels_text[] =
      "frame,obj,class,x,y,w,h\n"
      "1,1,DRONE,10,10,10,10\n"
      "1,2,DRONE,100,100,10,10\n"
      "2,1,DRONE,10,10,10,10\n"
      "3,1,DRONE,10,10,10,10\n"
      "4,1,DRONE,10,10,10,10\n";
  static const char pred_text[] =
      "1,7,11,11,8,8,1,-1,-1,-1\n"
      "2,7,12,12,8,8,1,-1,-1,-1\n"
      "2,5,200,200,4,4,1,-1,-1,-1\n"
      "3,9,10,10,10,10,1,-1,-1,-1\n"
      "4,9,16,16,10,10,1,-1,-1,-1\n" /* centre 21,21: 8.5 px away */
      "5,5,200,200,4,4,1,-1,-1,-1\n";
  wl_err_t err;
  wl_box_labels_t labels;
  wl_mot_file_t pred;
  ASSERT_OK(wl_box_labels_parse(labels_text, strlen(labels_text), "l.csv",
                                &labels, &err), &err);
  ASSERT_OK(wl_mot_parse(pred_text, strlen(pred_text), WL_MOT_PRED, "p.txt",
                         &pred, &err), &err);
  acc_clip_score_t s;
  memset(&s, 0, sizeof s);
  ASSERT_OK(acc_score_boxes(&labels, &pred, &s, &err), &err);
  /* Frame 4: centre distance sqrt(2) * 6 = 8.49 > gate 8 px: not a match
   * under the centre rule, so TP 3, FN 2 (frame 4 and object 2), FP 3. */
  ASSERT_EQ(s.centre.tp, 3);
  ASSERT_EQ(s.centre.fp, 3);
  ASSERT_EQ(s.centre.fn, 2);
  /* Overlap rule: frame 4's prediction overlaps 4x4 of 10x10 boxes: IoU
   * 16/184 < 0.3, but its centre (21,21) is outside the label (10..20). */
  ASSERT_EQ(s.overlap.tp, 3);
  ASSERT_EQ(s.fp_unlabelled, 1);
  ASSERT_EQ(s.objects, 2);
  ASSERT_EQ(s.objects_found, 1);
  ASSERT_EQ(s.object_ids, 2); /* ids 7 and 9 on object 1 */
  ASSERT(s.ok);
  wl_box_labels_free(&labels);
  wl_mot_free(&pred);
  return 0;
}

/* videos.csv: good rows, CRLF and blank lines; errors name file and line. */
TEST_IMPL(accuracy_clips_parse) {
  static const char good[] =
      "video,class,distance_bin,drone_type\r\n"
      "IR_AIRPLANE_001,AIRPLANE,MEDIUM,\r\n"
      "\n"
      "IR_DRONE_043,DRONE,DISTANT,Hubsan H107D+\n"
      "IR_BIRD_003,BIRD,CLOSE";
  acc_clip_t *c;
  size_t n;
  wl_err_t err;
  ASSERT_OK(acc_clips_parse(good, strlen(good), "v.csv", &c, &n, &err),
            &err);
  ASSERT_EQ(n, 3);
  ASSERT_STR_EQ(c[0].video, "IR_AIRPLANE_001");
  ASSERT_STR_EQ(c[0].bin, "MEDIUM");
  ASSERT_STR_EQ(c[1].cls, "DRONE");
  ASSERT_STR_EQ(c[1].bin, "DISTANT");
  ASSERT_STR_EQ(c[2].bin, "CLOSE");
  free(c);

  static const char *const bad[] = {
      "",
      "name,class\nx,y,z\n",
      "video,class,distance_bin\nIR_A,AIRPLANE\n",
      "video,class,distance_bin\nIR_A,AIRPLANE,CLOSE\n../x,BIRD,CLOSE\n",
      "video,class,distance_bin\nIR_A,,CLOSE\n",
  };
  static const char *const where[] = {"v.csv: empty", "v.csv:1:", "v.csv:2:",
                                      "v.csv:3:", "v.csv:2:"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    c = (acc_clip_t *)&err; /* must be reset to NULL */
    ASSERT_EQ(acc_clips_parse(bad[i], strlen(bad[i]), "v.csv", &c, &n, &err),
              WL_EFORMAT);
    ASSERT(c == NULL);
    ASSERT_EQ(n, 0);
    ASSERT_STR_CONTAINS(err.msg, where[i]);
  }
  return 0;
}

/* ---- simulator floors --------------------------------------------------- */

TEST_IMPL(accuracy_sim_border_night) {
  acc_sim_result_t r;
  wl_err_t err;
  ASSERT_OK(run_sim("border-night", 0, &r, &err), &err);
  ASSERT_DBL_GE(r.mot.hota, FLOOR_BORDER_NIGHT_HOTA);
  ASSERT_DBL_GE(frac(r.eligible_matched, r.eligible),
                FLOOR_BORDER_NIGHT_RECALL);
  acc_sim_result_free(&r);
  return 0;
}

TEST_IMPL(accuracy_sim_crowd) {
  acc_sim_result_t r;
  wl_err_t err;
  ASSERT_OK(run_sim("crowd", 0, &r, &err), &err);
  ASSERT_DBL_GE(r.mot.hota, FLOOR_CROWD_HOTA);
  acc_sim_result_free(&r);
  return 0;
}

TEST_IMPL(accuracy_sim_long_range) {
  acc_sim_result_t r;
  wl_err_t err;
  ASSERT_OK(run_sim("long-range", 0, &r, &err), &err);
  ASSERT_GT(r.eligible, 1000);
  ASSERT_DBL_GE(frac(r.eligible_matched, r.eligible),
                FLOOR_LONG_RANGE_RECALL);
  acc_sim_result_free(&r);
  return 0;
}

TEST_IMPL(accuracy_sim_nuisance) {
  acc_sim_result_t r;
  wl_err_t err;
  ASSERT_OK(run_sim("nuisance", 0, &r, &err), &err);
  ASSERT_LE(r.false_tracks, CEIL_NUISANCE_FALSE_TRACKS);
  ASSERT_DBL_GE(r.mot.hota, FLOOR_NUISANCE_HOTA);
  acc_sim_result_free(&r);
  return 0;
}

/* Class accuracy with the camera model on presets with every class. */
TEST_IMPL(accuracy_sim_class) {
  static const char *const presets[] = {"border-night", "nuisance",
                                        "vehicle-run"};
  long tracks = 0, correct = 0;
  for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
    acc_sim_result_t r;
    wl_err_t err;
    ASSERT_OK(run_sim(presets[i], 0, &r, &err), &err);
    tracks += r.class_tracks;
    correct += r.class_correct;
    acc_sim_result_free(&r);
  }
  fprintf(stderr, "class accuracy %ld/%ld = %.3f\n", correct, tracks,
          frac(correct, tracks));
  ASSERT_GT(tracks, 20);
  ASSERT_DBL_GE(frac(correct, tracks), FLOOR_CLASS_ACCURACY);
  return 0;
}

/* ---- Halmstad floors ---------------------------------------------------- */

TEST_IMPL(accuracy_halmstad_close_medium) {
  static const char *const clips[] = {"IR_AIRPLANE_063", "IR_BIRD_079",
                                      "IR_DRONE_091", "IR_HELICOPTER_013"};
  wl_box_counts_t sum;
  long found, objects;
  wl_err_t err;
  int rc;
  if (run_clips(clips, 4, &sum, &found, &objects, &err, &rc) == TEST_SKIP)
    RETURN_SKIP("../shared (Halmstad clips) is absent");
  ASSERT_OK(rc, &err);
  ASSERT_DBL_GE(sum.recall, FLOOR_HALMSTAD_CM_RECALL);
  ASSERT_DBL_GE(sum.f1, FLOOR_HALMSTAD_CM_F1);
  ASSERT_GE(found, 1);
  return 0;
}

TEST_IMPL(accuracy_halmstad_distant) {
  static const char *const clips[] = {"IR_AIRPLANE_059", "IR_BIRD_069",
                                      "IR_DRONE_069"};
  wl_box_counts_t sum;
  long found, objects;
  wl_err_t err;
  int rc;
  if (run_clips(clips, 3, &sum, &found, &objects, &err, &rc) == TEST_SKIP)
    RETURN_SKIP("../shared (Halmstad clips) is absent");
  ASSERT_OK(rc, &err);
  ASSERT_DBL_GE(sum.recall, FLOOR_HALMSTAD_DISTANT_RECALL);
  ASSERT_DBL_GE(sum.f1, FLOOR_HALMSTAD_DISTANT_F1);
  return 0;
}
