# calibrate -> fit -> predict -> validate on this machine with OpenCV DNN, in under a minute of
# calibration. Assertions that can fail (calibration_pipeline.bash): the trace and profile formats,
# the fit's cross-validated error on its own kernels, predict's and validate's JSON. The accuracy
# of the prediction for an unseen model (+-30%) is asserted by calibrate_unseen_accuracy.sh; this
# test prints the error it saw.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/calibration_pipeline.bash"
run_calibration_pipeline 5
python3 -c "import json, sys; m = json.load(open(sys.argv[1]))['models'][0]; \
print(f\"unseen model mobilenet_v1: error {m['error_pct']:+.1f}% (reference x{m['reference_ratio']:.2f});\"
      ' the +-30% bound is checked by calibrate_unseen_accuracy.sh')" "$TMP/val.json"
echo "ok"
