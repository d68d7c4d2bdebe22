"""Loading libvigil and declaring every C function the binding calls.

Search order (the first that exists wins):

1. ``$VIGIL_LIB``: a path to the shared library. When set it must load, otherwise import fails:
   an explicit choice is never silently replaced by another copy.
2. The build tree of this source checkout: ``<repo>/build/lib/libvigil.so``, then any other
   ``<repo>/build*/lib/libvigil.so`` (newest first), so ``PYTHONPATH=python`` works right after
   ``meson setup build && ninja -C build``.
3. The system library: ``libvigil.so.<major>`` through the dynamic loader, then
   ``ctypes.util.find_library("vigil")``.

Every function in ``PROTOTYPES`` gets ``argtypes`` and ``restype`` (a missing ``restype`` would
truncate returned pointers to 32 bits) and, when it returns a status, one ``errcheck`` that turns
a negative status into :class:`vigil.VigilError` carrying ``vigil_last_error()``. The error
detail is per thread and read at once, in the thread that made the call, so it is the right one
even when many Python threads call vigil concurrently.

To bind a new C module (monitor, model, ...), add its opaque type and a section of the
table below, then write the Pythonic wrapper in its own file (``monitor.py``, ...).
"""

import ctypes
import ctypes.util
import glob
import os
import sys
from ctypes import POINTER, c_char_p, c_double, c_float, c_int, c_size_t, c_uint64, c_void_p

from .errors import VigilError

# The binding speaks this ABI: same major version, at least this version number
# (major * 10000 + minor * 100 + patch). While major is 0 a new minor may change the ABI, so a
# library older than the binding is refused rather than half working.
ABI_MAJOR = 0
MIN_VERSION = 100  # 0.1.0


class _Opaque(ctypes.Structure):
    """Base of the opaque C object types: never dereferenced, only pointed to."""

    _fields_ = []


class Extractor(_Opaque):
    """``struct vigil_extractor`` (opaque)."""


class Reader(_Opaque):
    """``struct vigil_reader`` (opaque)."""


class Diagnosis(_Opaque):
    """``struct vigil_diagnosis`` (opaque)."""


class Alarm(_Opaque):
    """``struct vigil_alarm`` (opaque)."""


class Drift(_Opaque):
    """``struct vigil_drift`` (opaque)."""


class Monitor(_Opaque):
    """``struct vigil_monitor`` (opaque)."""


class AlarmEvent(ctypes.Structure):
    """``vigil_alarm_event`` (include/vigil/alarm.h)."""

    _fields_ = [("t", c_double), ("onset", c_double), ("from_", c_int), ("to", c_int),
                ("kind", c_int)]


AlarmEventP = POINTER(AlarmEvent)

# issue 16: event explanations (include/vigil/monitor.h)
EXPLAIN_MAX = 4


class EventExplanation(ctypes.Structure):
    """``vigil_event_explanation`` (include/vigil/monitor.h)."""

    _fields_ = [("event", AlarmEvent), ("channel", c_size_t), ("count", c_size_t),
                ("feature", c_size_t * EXPLAIN_MAX), ("z", c_double * EXPLAIN_MAX)]


EventExplanationP = POINTER(EventExplanation)


class Pipeline(_Opaque):
    """``struct vigil_pipeline`` (opaque)."""


# prognosis.h, snapshot.h (issue 15)
class Prognoser(_Opaque):
    """``struct vigil_prognoser`` (opaque)."""


class Prior(_Opaque):
    """``struct vigil_prognosis_prior`` (opaque)."""


class SnapshotIndex(_Opaque):
    """``struct vigil_snapshot_index`` (opaque)."""


# machine.h (issue 16)
class Machine(_Opaque):
    """``struct vigil_machine`` (opaque)."""


MachineP = POINTER(Machine)
PrognoserP = POINTER(Prognoser)
PriorP = POINTER(Prior)
SnapshotIndexP = POINTER(SnapshotIndex)
ExtractorP = POINTER(Extractor)
PipelineP = POINTER(Pipeline)
ReaderP = POINTER(Reader)
DiagnosisP = POINTER(Diagnosis)
AlarmP = POINTER(Alarm)
DriftP = POINTER(Drift)
MonitorP = POINTER(Monitor)
IntP = POINTER(c_int)
DoubleP = POINTER(c_double)
FloatP = POINTER(c_float)
SizeP = POINTER(c_size_t)

STATUS = "status"  # returns int: negative raises VigilError, non-negative is returned

# name: (restype, [argtypes], check). One section per public header, in header order.
PROTOTYPES = {
    # status.h
    "vigil_strerror": (c_char_p, [c_int], None),
    "vigil_last_error": (c_char_p, [], None),
    # version.h
    "vigil_version_string": (c_char_p, [], None),
    "vigil_version_number": (c_int, [], None),
    # extractor.h
    "vigil_extractor_create": (c_int, [c_double, c_size_t, POINTER(ExtractorP)], STATUS),
    "vigil_extractor_destroy": (None, [ExtractorP], None),
    "vigil_extractor_set_hop": (c_int, [ExtractorP, c_size_t], STATUS),
    "vigil_extractor_add_band": (c_int, [ExtractorP, c_double, c_double], STATUS),
    "vigil_extractor_set_queue": (c_int, [ExtractorP, c_size_t], STATUS),
    "vigil_extractor_push": (c_int, [ExtractorP, DoubleP, c_size_t, SizeP], STATUS),
    "vigil_extractor_push_f32": (c_int, [ExtractorP, FloatP, c_size_t, SizeP], STATUS),
    "vigil_extractor_pop": (c_int, [ExtractorP, DoubleP, c_size_t, SizeP], STATUS),
    "vigil_extractor_pop_many": (c_int, [ExtractorP, DoubleP, c_size_t, SizeP], STATUS),
    # planner.h (issue 18)
    "vigil_planner_set_mode": (c_int, [c_int], STATUS),
    "vigil_planner_mode": (c_int, [], None),
    "vigil_planner_mode_name": (c_char_p, [c_int], None),
    "vigil_planner_import_wisdom": (c_int, [c_char_p], STATUS),
    "vigil_planner_export_wisdom": (c_int, [c_char_p, c_size_t, SizeP], STATUS),
    "vigil_planner_import_wisdom_file": (c_int, [c_char_p], STATUS),
    "vigil_planner_export_wisdom_file": (c_int, [c_char_p], STATUS),
    "vigil_planner_forget_wisdom": (None, [], None),
    "vigil_extractor_ready": (c_size_t, [ExtractorP], None),
    "vigil_extractor_reset": (c_int, [ExtractorP], STATUS),
    "vigil_extractor_feature_count": (c_size_t, [ExtractorP], None),
    "vigil_extractor_feature_name": (c_char_p, [ExtractorP, c_size_t], None),
    "vigil_extractor_feature_index": (c_int, [ExtractorP, c_char_p], STATUS),
    "vigil_extractor_rate": (c_double, [ExtractorP], None),
    "vigil_extractor_frame": (c_size_t, [ExtractorP], None),
    "vigil_extractor_hop": (c_size_t, [ExtractorP], None),
    "vigil_extractor_frames_done": (c_size_t, [ExtractorP], None),
    "vigil_extractor_memory": (c_size_t, [ExtractorP], None),
    # reader.h
    "vigil_reader_open": (c_int, [c_char_p, POINTER(ReaderP)], STATUS),
    "vigil_reader_close": (None, [ReaderP], None),
    "vigil_reader_column_count": (c_size_t, [ReaderP], None),
    "vigil_reader_column_name": (c_char_p, [ReaderP, c_size_t], None),
    "vigil_reader_find_column": (c_int, [ReaderP, c_char_p], STATUS),
    "vigil_reader_set_time_column": (c_int, [ReaderP, c_size_t], STATUS),
    "vigil_reader_set_missing": (c_int, [ReaderP, c_int], STATUS),  # issue 16
    "vigil_reader_read_column": (c_int, [ReaderP, c_size_t, DoubleP, c_size_t, SizeP], STATUS),
    "vigil_reader_read_rows": (c_int, [ReaderP, DoubleP, c_size_t, SizeP], STATUS),
    "vigil_reader_line": (c_size_t, [ReaderP], None),
    # parse.h
    "vigil_parse_bands": (c_int, [c_char_p, DoubleP, DoubleP, c_size_t, SizeP], STATUS),
    "vigil_parse_time": (c_int, [c_char_p, DoubleP], STATUS),
    "vigil_parse_number": (c_int, [c_char_p, DoubleP], STATUS),
    # bearing.h
    "vigil_bearing_frequencies": (c_int, [c_double, c_double, c_double, c_double, c_double,
                                          DoubleP, c_size_t], STATUS),
    "vigil_defect_name": (c_char_p, [c_int], None),
    "vigil_parse_bearing": (c_int, [c_char_p, DoubleP, DoubleP, DoubleP, DoubleP], STATUS),
    "vigil_extractor_set_bearing": (c_int, [ExtractorP, c_double, c_double, c_double, c_double],
                                    STATUS),
    "vigil_extractor_set_shaft_hz": (c_int, [ExtractorP, c_double], STATUS),
    "vigil_extractor_set_shaft_range": (c_int, [ExtractorP, c_double, c_double], STATUS),
    # envelope.h
    "vigil_extractor_enable_envelope": (c_int, [ExtractorP, c_double, c_double], STATUS),
    # orders.h
    "vigil_extractor_enable_orders": (c_int, [ExtractorP], STATUS),
    # severity.h
    "vigil_severity_zone": (c_int, [c_double, c_int], STATUS),
    "vigil_severity_limit": (c_int, [c_int, c_int, DoubleP], STATUS),
    "vigil_extractor_enable_severity": (c_int, [ExtractorP, c_int, c_int], STATUS),
    # rul.h
    "vigil_rul_estimate": (c_int, [DoubleP, DoubleP, c_size_t, c_double, DoubleP, DoubleP,
                                   DoubleP, DoubleP], STATUS),
    # diagnose.h
    "vigil_fault_name": (c_char_p, [c_int], None),
    "vigil_diagnosis_create": (c_int, [c_double, c_size_t, POINTER(DiagnosisP)], STATUS),
    "vigil_diagnosis_destroy": (None, [DiagnosisP], None),
    "vigil_diagnosis_set_bearing": (c_int, [DiagnosisP, c_double, c_double, c_double, c_double],
                                    STATUS),
    "vigil_diagnosis_set_shaft_hz": (c_int, [DiagnosisP, c_double], STATUS),
    "vigil_diagnosis_set_shaft_range": (c_int, [DiagnosisP, c_double, c_double], STATUS),
    "vigil_diagnosis_set_band": (c_int, [DiagnosisP, c_double, c_double], STATUS),
    "vigil_diagnosis_set_severity": (c_int, [DiagnosisP, c_int, c_int], STATUS),
    "vigil_diagnosis_push": (c_int, [DiagnosisP, DoubleP, c_size_t], STATUS),
    "vigil_diagnosis_decide": (c_int, [DiagnosisP], STATUS),
    "vigil_diagnosis_line": (c_int, [DiagnosisP, c_int, c_int, DoubleP, DoubleP, DoubleP],
                             STATUS),
    "vigil_diagnosis_value": (c_double, [DiagnosisP, c_int], None),
    "vigil_diagnosis_reason": (c_char_p, [DiagnosisP], None),
    "vigil_diagnosis_reset": (c_int, [DiagnosisP], STATUS),
    # diagnose.h: the framer's hop and float push, the averaged envelope spectrum (issue 19)
    "vigil_diagnosis_set_hop": (c_int, [DiagnosisP, c_size_t], STATUS),
    "vigil_diagnosis_push_f32": (c_int, [DiagnosisP, FloatP, c_size_t], STATUS),
    "vigil_diagnosis_envelope_spectrum": (c_int, [DiagnosisP, DoubleP, c_size_t, SizeP, DoubleP],
                                          STATUS),
    "vigil_diagnosis_evidence": (c_int, [DiagnosisP, c_int, c_size_t, DoubleP, DoubleP, DoubleP,
                                         POINTER(c_char_p)], STATUS),
    "vigil_line_kind_name": (c_char_p, [c_int], None),
    # drift.h
    "vigil_drift_create": (c_int, [c_double, c_size_t, POINTER(DriftP)], STATUS),
    "vigil_drift_destroy": (None, [DriftP], None),
    "vigil_drift_reset": (c_int, [DriftP], STATUS),
    "vigil_drift_set_tau": (c_int, [DriftP, c_double], STATUS),
    "vigil_drift_set_cusum": (c_int, [DriftP, c_double, c_double], STATUS),
    "vigil_drift_set_page_hinkley": (c_int, [DriftP, c_double, c_double], STATUS),
    "vigil_drift_set_reference": (c_int, [DriftP, c_double, c_double], STATUS),
    "vigil_drift_set_gap": (c_int, [DriftP, c_double], STATUS),
    "vigil_drift_update": (c_int, [DriftP, c_double, c_double], STATUS),
    "vigil_drift_level": (c_double, [DriftP], None),
    "vigil_drift_slope": (c_double, [DriftP], None),
    "vigil_drift_points": (c_size_t, [DriftP], None),
    "vigil_drift_cusum": (c_int, [DriftP, DoubleP, DoubleP], STATUS),
    "vigil_drift_changes": (c_size_t, [DriftP], None),
    "vigil_drift_gaps": (c_size_t, [DriftP], None),
    # alarm.h
    "vigil_alarm_create": (c_int, [POINTER(AlarmP)], STATUS),
    "vigil_alarm_destroy": (None, [AlarmP], None),
    "vigil_alarm_reset": (c_int, [AlarmP], STATUS),
    "vigil_alarm_clear_window": (c_int, [AlarmP], STATUS),
    "vigil_alarm_set_persistence": (c_int, [AlarmP, c_size_t, c_size_t], STATUS),
    "vigil_alarm_set_hysteresis": (c_int, [AlarmP, c_size_t, c_double], STATUS),
    "vigil_alarm_update": (c_int, [AlarmP, c_double, c_double, c_double], STATUS),
    "vigil_alarm_state": (c_int, [AlarmP], None),
    "vigil_alarm_event_count": (c_size_t, [AlarmP], None),
    "vigil_alarm_next_event": (c_int, [AlarmP, DoubleP, IntP, IntP], STATUS),
    "vigil_alarm_events_dropped": (c_size_t, [AlarmP], None),
    # issue 16: the onset test and transients
    "vigil_alarm_next_event_ex": (c_int, [AlarmP, AlarmEventP], STATUS),
    "vigil_alarm_set_rule": (c_int, [AlarmP, c_int], STATUS),
    "vigil_alarm_rule": (c_int, [AlarmP], STATUS),
    "vigil_alarm_set_cusum": (c_int, [AlarmP, c_double, c_double, c_double], STATUS),
    "vigil_alarm_set_confirm": (c_int, [AlarmP, c_size_t, c_double], STATUS),
    "vigil_alarm_confirm_frames": (c_size_t, [AlarmP], None),
    "vigil_alarm_onset": (c_double, [AlarmP], None),
    "vigil_alarm_transients": (c_size_t, [AlarmP], None),
    # issue 16 (b16d): overlapping frames' evidence weight
    "vigil_alarm_set_evidence_weight": (c_int, [AlarmP, c_double], STATUS),
    "vigil_alarm_evidence_weight": (c_double, [AlarmP], None),
    "vigil_health": (c_double, [c_double, c_double], None),
    # monitor.h
    "vigil_monitor_create": (c_int, [POINTER(c_char_p), c_size_t, c_int, POINTER(MonitorP)],
                             STATUS),
    "vigil_monitor_create_for_extractor": (c_int, [ExtractorP, c_int, POINTER(MonitorP)],
                                           STATUS),
    "vigil_monitor_destroy": (None, [MonitorP], None),
    "vigil_monitor_select": (c_int, [MonitorP, POINTER(c_char_p), c_size_t], STATUS),
    "vigil_monitor_set_direction": (c_int, [MonitorP, c_char_p, c_int], STATUS),
    "vigil_monitor_set_conditions": (c_int, [MonitorP, c_size_t], STATUS),
    "vigil_monitor_set_seed": (c_int, [MonitorP, c_uint64], STATUS),
    "vigil_monitor_set_quantile": (c_int, [MonitorP, c_double], STATUS),
    "vigil_monitor_set_threshold_mode": (c_int, [MonitorP, c_int], STATUS),
    "vigil_monitor_set_threshold": (c_int, [MonitorP, c_size_t, c_double], STATUS),
    "vigil_monitor_set_scale_floor": (c_int, [MonitorP, c_double], STATUS),
    "vigil_monitor_set_smoothing": (c_int, [MonitorP, c_double], STATUS),
    "vigil_monitor_set_persistence": (c_int, [MonitorP, c_size_t, c_size_t], STATUS),
    "vigil_monitor_set_hysteresis": (c_int, [MonitorP, c_size_t, c_double], STATUS),
    "vigil_monitor_set_gap": (c_int, [MonitorP, c_double, c_int, c_size_t], STATUS),
    "vigil_monitor_set_note": (c_int, [MonitorP, c_char_p], STATUS),
    "vigil_monitor_note": (c_char_p, [MonitorP], None),
    "vigil_monitor_column_count": (c_size_t, [MonitorP], None),
    "vigil_monitor_feature_count": (c_size_t, [MonitorP], None),
    "vigil_monitor_feature_name": (c_char_p, [MonitorP, c_size_t], None),
    "vigil_monitor_direction": (c_int, [MonitorP, c_size_t], STATUS),
    "vigil_monitor_kind": (c_int, [MonitorP], STATUS),
    "vigil_monitor_conditions": (c_size_t, [MonitorP], None),
    "vigil_monitor_learn": (c_int, [MonitorP, DoubleP, c_size_t, c_size_t], STATUS),
    "vigil_monitor_learned": (c_size_t, [MonitorP, c_size_t], None),
    "vigil_monitor_fit": (c_int, [MonitorP], STATUS),
    "vigil_monitor_fitted": (c_int, [MonitorP], None),
    "vigil_monitor_score": (c_int, [MonitorP, DoubleP, c_size_t, c_double, c_size_t], STATUS),
    "vigil_monitor_update": (c_int, [MonitorP, DoubleP, c_size_t, c_size_t], STATUS),
    "vigil_monitor_last_score": (c_double, [MonitorP], None),
    "vigil_monitor_last_threshold": (c_double, [MonitorP], None),
    "vigil_monitor_last_health": (c_double, [MonitorP], None),
    "vigil_monitor_state": (c_int, [MonitorP], None),
    "vigil_monitor_top_feature": (c_int, [MonitorP], STATUS),
    "vigil_monitor_pca_stats": (c_int, [MonitorP, DoubleP, DoubleP], STATUS),
    "vigil_monitor_threshold": (c_double, [MonitorP, c_size_t], None),
    "vigil_monitor_explain": (c_int, [MonitorP, SizeP, DoubleP, c_size_t, SizeP], STATUS),
    "vigil_monitor_drift": (DriftP, [MonitorP, c_size_t], None),
    "vigil_monitor_event_count": (c_size_t, [MonitorP], None),
    "vigil_monitor_next_event": (c_int, [MonitorP, DoubleP, IntP, IntP], STATUS),
    "vigil_monitor_gaps": (c_size_t, [MonitorP], None),
    "vigil_monitor_counter": (c_size_t, [MonitorP, c_int], None),  # issue 16
    "vigil_monitor_set_alarm_rule": (c_int, [MonitorP, c_int], STATUS),  # issue 16
    "vigil_monitor_set_onset_test": (c_int, [MonitorP, c_double, c_double], STATUS),
    "vigil_monitor_set_confirm": (c_int, [MonitorP, c_size_t, c_double], STATUS),
    "vigil_monitor_next_event_ex": (c_int, [MonitorP, AlarmEventP], STATUS),
    "vigil_monitor_onset": (c_double, [MonitorP], None),
    "vigil_monitor_transients": (c_size_t, [MonitorP], None),
    "vigil_monitor_stated_rate": (c_double, [MonitorP], None),  # issue 16 part 3
    "vigil_monitor_threshold_mode": (c_int, [MonitorP], None),  # issue 16 part 3
    "vigil_monitor_set_overlap": (c_int, [MonitorP, c_size_t, c_size_t], STATUS),  # b16d
    "vigil_monitor_evidence_weight": (c_double, [MonitorP], None),  # b16d
    "vigil_monitor_last_z": (c_double, [MonitorP, c_size_t], None),
    "vigil_counter_name": (c_char_p, [c_int], None),  # issue 16
    "vigil_monitor_reset": (c_int, [MonitorP], STATUS),
    "vigil_monitor_save_size": (c_int, [MonitorP, SizeP], STATUS),
    "vigil_monitor_save": (c_int, [MonitorP, c_void_p, c_size_t, SizeP], STATUS),
    "vigil_monitor_load": (c_int, [c_void_p, c_size_t, POINTER(MonitorP)], STATUS),
    "vigil_monitor_save_file": (c_int, [MonitorP, c_char_p], STATUS),
    "vigil_monitor_load_file": (c_int, [c_char_p, POINTER(MonitorP)], STATUS),
    "vigil_monitor_column_name": (c_char_p, [MonitorP, c_size_t], None),
    "vigil_monitor_save_size_ex": (c_int, [MonitorP, c_int, SizeP], STATUS),
    "vigil_monitor_save_ex": (c_int, [MonitorP, c_int, c_void_p, c_size_t, SizeP], STATUS),
    "vigil_monitor_save_file_ex": (c_int, [MonitorP, c_char_p, c_int], STATUS),
    # machine.h (issue 16)
    "vigil_machine_create": (c_int, [POINTER(c_char_p), c_size_t, POINTER(c_char_p), c_size_t,
                                     c_int, POINTER(MachineP)], STATUS),
    "vigil_machine_adopt": (c_int, [POINTER(c_char_p), c_size_t, POINTER(MonitorP),
                                    POINTER(MachineP)], STATUS),
    "vigil_machine_destroy": (None, [MachineP], None),
    "vigil_machine_set_common_mode": (c_int, [MachineP, c_int], STATUS),
    "vigil_machine_common_mode": (c_int, [MachineP], None),
    "vigil_machine_channel_count": (c_size_t, [MachineP], None),
    "vigil_machine_channel_name": (c_char_p, [MachineP, c_size_t], None),
    "vigil_machine_find_channel": (c_int, [MachineP, c_char_p], STATUS),
    "vigil_machine_width": (c_size_t, [MachineP], None),
    "vigil_machine_monitor": (MonitorP, [MachineP, c_size_t], None),
    "vigil_machine_learn": (c_int, [MachineP, DoubleP, c_size_t, c_size_t], STATUS),
    "vigil_machine_fit": (c_int, [MachineP], STATUS),
    "vigil_machine_fitted": (c_int, [MachineP], None),
    "vigil_machine_score": (c_int, [MachineP, DoubleP, c_size_t, c_double, c_size_t, IntP],
                            STATUS),
    "vigil_machine_reset": (c_int, [MachineP], STATUS),
    # issue 16: event explanations
    "vigil_machine_next_event": (c_int, [MachineP, EventExplanationP], STATUS),
    "vigil_monitor_next_event_explained": (c_int, [MonitorP, EventExplanationP], STATUS),
    "vigil_monitor_format_explanation": (c_int, [MonitorP, EventExplanationP, c_char_p,
                                                 c_size_t], STATUS),
    "vigil_machine_save": (c_int, [MachineP, c_int, c_void_p, c_size_t, SizeP], STATUS),
    "vigil_machine_save_size": (c_int, [MachineP, c_int, SizeP], STATUS),
    "vigil_machine_save_file": (c_int, [MachineP, c_char_p, c_int], STATUS),
    "vigil_machine_load": (c_int, [c_void_p, c_size_t, POINTER(MachineP)], STATUS),
    "vigil_machine_load_file": (c_int, [c_char_p, POINTER(MachineP)], STATUS),
    # pipeline.h (issue 14)
    "vigil_pipeline_create": (c_int, [POINTER(PipelineP)], STATUS),
    "vigil_pipeline_destroy": (None, [PipelineP], None),
    "vigil_pipeline_copy": (c_int, [PipelineP, POINTER(PipelineP)], STATUS),
    "vigil_pipeline_parse": (c_int, [c_char_p, c_size_t, c_char_p, POINTER(PipelineP)], STATUS),
    "vigil_pipeline_load_file": (c_int, [c_char_p, POINTER(PipelineP)], STATUS),
    "vigil_pipeline_print": (c_int, [PipelineP, c_int, c_char_p, c_size_t, SizeP], STATUS),
    "vigil_pipeline_set": (c_int, [PipelineP, c_char_p, c_char_p], STATUS),
    "vigil_pipeline_get": (c_int, [PipelineP, c_char_p, c_char_p, c_size_t, SizeP], STATUS),
    "vigil_pipeline_is_default": (c_int, [PipelineP, c_char_p], STATUS),
    "vigil_pipeline_number": (c_int, [PipelineP, c_char_p, DoubleP], STATUS),
    "vigil_pipeline_rate": (c_double, [PipelineP], None),
    "vigil_pipeline_frame": (c_size_t, [PipelineP], None),
    "vigil_pipeline_hop": (c_size_t, [PipelineP], None),
    "vigil_pipeline_rows": (c_int, [PipelineP], None),
    "vigil_pipeline_detector": (c_int, [PipelineP], STATUS),
    "vigil_pipeline_string": (c_char_p, [PipelineP, c_char_p], None),
    "vigil_pipeline_check": (c_int, [PipelineP], STATUS),
    "vigil_pipeline_key_count": (c_size_t, [], None),
    "vigil_pipeline_key_name": (c_char_p, [c_size_t], None),
    "vigil_pipeline_key_default": (c_char_p, [c_size_t], None),
    "vigil_pipeline_key_doc": (c_char_p, [c_size_t], None),
    "vigil_pipeline_create_extractor": (c_int, [PipelineP, POINTER(ExtractorP)], STATUS),
    "vigil_pipeline_create_monitor": (c_int, [PipelineP, POINTER(c_char_p), c_size_t,
                                              POINTER(MonitorP)], STATUS),
    "vigil_monitor_get_pipeline": (c_int, [MonitorP, POINTER(PipelineP)], STATUS),
    "vigil_monitor_set_pipeline": (c_int, [MonitorP, PipelineP], STATUS),
    "vigil_monitor_check_columns": (c_int, [MonitorP, POINTER(c_char_p), c_size_t], STATUS),
    "vigil_monitor_model_id": (c_int, [MonitorP, c_char_p, c_size_t], STATUS),
    "vigil_detector_name": (c_char_p, [c_int], None),
    "vigil_detector_parse": (c_int, [c_char_p], STATUS),
    "vigil_state_name": (c_char_p, [c_int], None),
    "vigil_state_parse": (c_int, [c_char_p], STATUS),
    "vigil_direction_name": (c_char_p, [c_int], None),
    "vigil_direction_parse": (c_int, [c_char_p], STATUS),
    "vigil_gap_policy_name": (c_char_p, [c_int], None),
    "vigil_gap_policy_parse": (c_int, [c_char_p], STATUS),
    "vigil_threshold_mode_name": (c_char_p, [c_int], None),
    "vigil_threshold_mode_parse": (c_int, [c_char_p], STATUS),
    "vigil_units_name": (c_char_p, [c_int], None),
    "vigil_units_parse": (c_int, [c_char_p], STATUS),
    "vigil_machine_class_name": (c_char_p, [c_int], None),
    "vigil_machine_class_parse": (c_int, [c_char_p], STATUS),
    "vigil_zone_name": (c_char_p, [c_int], None),
    "vigil_zone_parse": (c_int, [c_char_p], STATUS),
    "vigil_alarm_rule_name": (c_char_p, [c_int], None),
    "vigil_alarm_rule_parse": (c_int, [c_char_p], STATUS),
    "vigil_common_mode_name": (c_char_p, [c_int], None),
    "vigil_common_mode_parse": (c_int, [c_char_p], STATUS),
    "vigil_column_facts": (c_int, [c_char_p, IntP, IntP, IntP, POINTER(c_char_p)], STATUS),
    # prognosis.h (issue 15)
    "vigil_prognosis_model_name": (c_char_p, [c_int], None),
    "vigil_prognosis_model_parse": (c_int, [c_char_p], STATUS),
    "vigil_prognosis_reason_name": (c_char_p, [c_int], None),
    "vigil_prognoser_create": (c_int, [c_char_p, c_double, POINTER(PrognoserP)], STATUS),
    "vigil_prognoser_destroy": (None, [PrognoserP], None),
    "vigil_prognoser_reset": (c_int, [PrognoserP], STATUS),
    "vigil_prognoser_set_model": (c_int, [PrognoserP, c_int], STATUS),
    "vigil_prognoser_set_onset": (c_int, [PrognoserP, c_size_t, c_double, c_double], STATUS),
    "vigil_prognoser_set_min_points": (c_int, [PrognoserP, c_size_t], STATUS),
    "vigil_prognoser_set_level": (c_int, [PrognoserP, c_double], STATUS),
    "vigil_prognoser_set_point": (c_int, [PrognoserP, c_double], STATUS),
    "vigil_prognoser_set_start": (c_int, [PrognoserP, c_double], STATUS),
    "vigil_prognoser_point": (c_double, [PrognoserP], None),
    "vigil_prognoser_set_prior": (c_int, [PrognoserP, PriorP], STATUS),
    "vigil_prognoser_update": (c_int, [PrognoserP, c_double, c_double], STATUS),
    "vigil_prognoser_rul": (c_int, [PrognoserP, DoubleP, DoubleP, DoubleP], None),
    "vigil_prognoser_reason": (c_int, [PrognoserP], STATUS),
    "vigil_prognoser_survival": (c_int, [PrognoserP, DoubleP, DoubleP, DoubleP], None),
    "vigil_prognoser_model": (c_int, [PrognoserP], STATUS),
    "vigil_prognoser_points": (c_size_t, [PrognoserP], None),
    "vigil_prognoser_onset": (c_int, [PrognoserP, DoubleP], None),
    "vigil_prognoser_last_time": (c_double, [PrognoserP], None),
    "vigil_prognoser_feature": (c_char_p, [PrognoserP], None),
    "vigil_prognoser_failure_level": (c_double, [PrognoserP], None),
    "vigil_prognoser_save_size": (c_int, [PrognoserP, SizeP], STATUS),
    "vigil_prognoser_save": (c_int, [PrognoserP, c_void_p, c_size_t, SizeP], STATUS),
    "vigil_prognoser_load": (c_int, [c_void_p, c_size_t, POINTER(PrognoserP)], STATUS),
    "vigil_prognosis_prior_create": (c_int, [c_char_p, c_double, POINTER(PriorP)], STATUS),
    "vigil_prognosis_prior_set_onset": (c_int, [PriorP, c_size_t, c_double, c_double], STATUS),
    "vigil_prognosis_prior_destroy": (None, [PriorP], None),
    "vigil_prognosis_prior_add_history": (c_int, [PriorP, DoubleP, DoubleP, c_size_t], None),
    "vigil_prognosis_prior_count": (c_size_t, [PriorP], None),
    "vigil_prognosis_prior_history": (c_int, [PriorP, c_size_t, DoubleP, DoubleP, DoubleP],
                                      STATUS),
    "vigil_prognosis_prior_life_count": (c_size_t, [PriorP], None),
    "vigil_prognosis_prior_life": (c_int, [PriorP, c_size_t, DoubleP], STATUS),
    "vigil_prognosis_prior_feature": (c_char_p, [PriorP], None),
    "vigil_prognosis_prior_failure_level": (c_double, [PriorP], None),
    "vigil_prognosis_prior_save_size": (c_int, [PriorP, SizeP], STATUS),
    "vigil_prognosis_prior_save": (c_int, [PriorP, c_void_p, c_size_t, SizeP], STATUS),
    "vigil_prognosis_prior_load": (c_int, [c_void_p, c_size_t, POINTER(PriorP)], STATUS),
    "vigil_prognosis_prior_save_file": (c_int, [PriorP, c_char_p], STATUS),
    "vigil_prognosis_prior_load_file": (c_int, [c_char_p, POINTER(PriorP)], STATUS),
    "vigil_monitor_set_prognoser": (c_int, [MonitorP, PrognoserP], STATUS),
    "vigil_monitor_prognoser": (PrognoserP, [MonitorP], None),
    "vigil_pipeline_create_prognoser": (c_int, [PipelineP, POINTER(PrognoserP)], STATUS),
    # snapshot.h (issue 15)
    "vigil_snapshot_index_load": (c_int, [c_char_p, POINTER(SnapshotIndexP)], STATUS),
    "vigil_snapshot_index_destroy": (None, [SnapshotIndexP], None),
    "vigil_snapshot_index_count": (c_size_t, [SnapshotIndexP], None),
    "vigil_snapshot_index_name": (c_char_p, [SnapshotIndexP, c_size_t], None),
    "vigil_snapshot_index_time": (c_double, [SnapshotIndexP, c_size_t], None),
    "vigil_snapshot_index_find": (c_int, [SnapshotIndexP, c_char_p], STATUS),
}


def _lib_names():
    if sys.platform == "darwin":
        return "libvigil.dylib", "libvigil.%d.dylib" % ABI_MAJOR
    if sys.platform == "win32":
        return "vigil.dll", "vigil-%d.dll" % ABI_MAJOR
    return "libvigil.so", "libvigil.so.%d" % ABI_MAJOR


def candidates():
    """Return the list of (origin, path-or-name) the loader tries, in order.

    With ``$VIGIL_LIB`` set the list holds only that path.
    """
    env = os.environ.get("VIGIL_LIB")
    if env:
        return [("VIGIL_LIB", env)]
    plain, versioned = _lib_names()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    found = []
    default = os.path.join(root, "build", "lib", plain)
    if os.path.exists(default):
        found.append(("build tree", default))
    # os.path.exists: a build folder whose link outlived its library (a half-built or cleaned
    # tree) is passed over rather than failing the import
    others = [p for p in glob.glob(os.path.join(root, "build*", "lib", plain))
              if p != default and os.path.exists(p)]
    others.sort(key=os.path.getmtime, reverse=True)
    found += [("build tree", p) for p in others]
    found.append(("system", versioned))
    system = ctypes.util.find_library("vigil")
    if system:
        found.append(("system", system))
    return found


def _load():
    tried = []
    for origin, path in candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            if origin == "VIGIL_LIB":
                raise ImportError("vigil: cannot load $VIGIL_LIB=%s: %s" % (path, e)) from None
            tried.append("%s (%s): %s" % (path, origin, e))
    raise ImportError("vigil: libvigil not found; build it (meson setup build && ninja -C build) "
                      "or set VIGIL_LIB to its path. Tried:\n  " + "\n  ".join(tried))


def _check_status(result, func, args):
    """errcheck for functions returning a status: raise VigilError on a negative value."""
    if result < 0:
        detail = lib.vigil_last_error()
        message = detail.decode("utf-8", "replace") if detail else ""
        if not message:
            message = lib.vigil_strerror(result).decode("utf-8", "replace")
        raise VigilError(result, message, func.__name__)
    return result


def _bind(cdll, path):
    for name, (restype, argtypes, check) in PROTOTYPES.items():
        try:
            f = getattr(cdll, name)
        except AttributeError:
            raise ImportError("vigil: %s has no %s (library older than the binding?)"
                              % (path, name)) from None
        f.restype = restype
        f.argtypes = argtypes
        if check == STATUS:
            f.errcheck = _check_status


def _check_version(cdll, path):
    number = cdll.vigil_version_number()
    text = cdll.vigil_version_string().decode("ascii", "replace")
    if number // 10000 != ABI_MAJOR or number < MIN_VERSION:
        need = "%d.%d.%d" % (MIN_VERSION // 10000, MIN_VERSION // 100 % 100, MIN_VERSION % 100)
        raise ImportError("vigil: %s is version %s; this binding needs %d.x >= %s"
                          % (path, text, ABI_MAJOR, need))
    return text


lib, path = _load()
_bind(lib, path)
version = _check_version(lib, path)


def strerror(code):
    """Return the library's short English description of a status code (never fails)."""
    return lib.vigil_strerror(int(code)).decode("utf-8", "replace")


def last_error():
    """Return the detail of the calling thread's most recent vigil failure ("" if none)."""
    return lib.vigil_last_error().decode("utf-8", "replace")
