"""A compiled design: its IR at every stage, its Verilog, and the ways to run it.

``predict`` runs the emulator (the specification), ``simulate`` the RTL in Verilator; both take
float inputs, quantize them as the design's input ports do, and return the outputs' fixed-point
values as float64, one column per output, so that the two can be compared with ``==``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sympy
from xdsl.dialects.builtin import ModuleOp

from symc.backends import ecp5_dsp
from symc.backends import hls_project as project
from symc.backends.hls import print_kernel
from symc.backends.hls_project import project_files, raw_columns, write_project
from symc.backends.verilog import print_module
from symc.dialects import sym
from symc.emulator import CHUNK, Emulator, map_chunks
from symc.fixed import FixedFormat, Precision, quantize_rows
from symc.frontend.errors import SymcError
from symc.native import NativeKernel, NativeUnsupported
from symc.native import source as native_source
from symc.options import CompileOptions
from symc.pipeline import Schedule
from symc.report import report
from symc.toolchain.gxx import CSim
from symc.toolchain.verilator import Testbench

STAGES = ("sym", "lut", "fixed", "hw")

SIM_CHUNK = 100_000
"""Vectors per Verilator run in :meth:`Design.simulate_raw`."""


@dataclass(frozen=True)
class Port:
    """One input or output of a design: its port name and fixed-point format."""

    name: str
    format: FixedFormat
    source: str
    """The user's input name, or the output's expression."""
    range: tuple[float, float] | None = None
    error_bound: float | None = None
    """Outputs in auto mode: the guaranteed absolute error bound."""
    raw_bounds: tuple[int, int] | None = None
    """Inputs in auto mode: quantized inputs are clamped to these raw values (the range)."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "format": str(self.format),
            "width": self.format.width,
            "int_bits": self.format.int_bits,
            "frac_bits": self.format.frac_bits,
            "signed": self.format.signed,
        }
        if self.range is not None:
            out["range"] = list(self.range)
        if self.error_bound is not None:
            out["error_bound"] = self.error_bound
        return out


@dataclass
class Design:
    name: str
    precision: str
    input_quantization: Precision
    inputs: list[Port]
    outputs: list[Port]
    renamed: dict[str, str]
    stages: dict[str, str | ModuleOp]
    fixed_module: ModuleOp
    verilog: str
    latency: int = 0
    """Clock cycles from inputs to outputs (0: combinational)."""
    schedule: Schedule | None = None
    """Pipelining settings and result (``sym-schedule``); None for designs built by hand."""
    options: CompileOptions | None = None
    """The options that built the design (``symc.compile``); None for designs built by hand."""
    pipeline: str | None = None
    """The pass pipeline that built the ``sym`` IR into the ``hw`` IR, as ``symc-opt -p``
    takes it (:func:`symc.pipeline.pipeline_spec`); None for designs built by hand."""
    expressions: list[Any] | None = None
    """Each output's real-valued expression (sympy, user functions inlined), in the inputs'
    user names: what :meth:`float_reference` evaluates."""
    _reports: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    _emulator: Emulator | None = field(default=None, repr=False)
    _native: NativeKernel | None = field(default=None, repr=False)
    _testbench: Any = field(default=None, repr=False)
    _hls: Any = field(default=None, repr=False)
    _csim: Any = field(default=None, repr=False)

    # --- IR -------------------------------------------------------------------------------

    def mlir(self, stage: str = "fixed") -> str:
        """The IR after a stage: ``"sym"`` (canonicalized, ranges), ``"lut"`` (tables),
        ``"fixed"``, ``"hw"``."""
        if stage not in self.stages:
            raise SymcError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}")
        text = self.stages[stage]
        if isinstance(text, ModuleOp):  # printed on first use: tables make long texts
            text = self.stages[stage] = print_module(text)
        return text

    # --- running --------------------------------------------------------------------------

    def _check_x(self, X: Any) -> np.ndarray:
        try:
            arr = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise SymcError(f"X must be a numeric array: {exc}") from exc
        n_in = len(self.inputs)
        if arr.ndim == 1 and n_in == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[1] != n_in:
            raise SymcError(
                f"X must have shape (n_samples, {n_in}) "
                f"(inputs {', '.join(p.name for p in self.inputs)}), "
                f"not {arr.shape}"
            )
        return arr

    def _quantize(self, arr: np.ndarray, start: int = 0) -> list[np.ndarray]:
        """The raw input columns of rows of a checked X (``start``: the first row's number,
        for errors)."""
        q = self.input_quantization
        columns = quantize_rows(arr, [p.format for p in self.inputs], q.quant, q.overflow,
                                first_row=start)
        for i, port in enumerate(self.inputs):
            if port.raw_bounds is not None:
                columns[i] = np.clip(columns[i], *port.raw_bounds)
        return columns

    def quantize_inputs(self, X: Any) -> list[np.ndarray]:
        """Raw integer columns of X as the input ports see them."""
        return self._quantize(self._check_x(X))

    def quantized_inputs(self, X: Any) -> np.ndarray:
        """X as the design sees it: each column quantized to its port's format, as float64."""
        raw = self.quantize_inputs(X)
        return np.stack([p.format.to_float(r) for p, r in zip(self.inputs, raw, strict=True)],
                        axis=1)

    @property
    def emulator(self) -> Emulator:
        if self._emulator is None:
            self._emulator = Emulator(self.fixed_module)
        return self._emulator

    def predict(self, X: Any, n_jobs: int = 1, chunk: int = CHUNK,
                engine: str = "numpy") -> np.ndarray:
        """Bit-exact fixed-point outputs (as float64), shape (n_samples, n_outputs).

        The rows are quantized and evaluated ``chunk`` at a time, so memory beyond ``X`` and
        the result stays a few MB for any number of samples; ``n_jobs`` threads share the
        chunks. ``engine="numpy"`` interprets the IR (the reference, :mod:`symc.emulator`);
        ``"native"`` runs the same IR compiled by g++ (:mod:`symc.native`, built once per
        design), equal to it bit for bit."""
        if engine not in ("numpy", "native"):
            raise SymcError(f"engine must be 'numpy' or 'native', not {engine!r}")
        arr = self._check_x(X)
        emulator = self.emulator
        n = len(arr)
        out = np.empty((n, len(self.outputs)), dtype=np.float64)

        def run(start: int, stop: int) -> None:
            raw = emulator.run_raw(self._quantize(arr[start:stop], start), chunk=chunk)
            for j, (fmt, col) in enumerate(zip(emulator.output_formats, raw, strict=True)):
                out[start:stop, j] = fmt.to_float(col)

        if not self.inputs:  # constant outputs
            if n:
                out[:] = emulator.run_float([])[0]
            return out
        if engine == "native":
            kernel = self.native
            rows = np.ascontiguousarray(arr)

            def run_native(start: int, stop: int) -> None:
                left = kernel.predict(rows[start:stop], out[start:stop])
                if left >= 0:  # a value past 62 bits, or not finite: the interpreter says
                    run(start + left, stop)

            map_chunks(run_native, n, chunk, n_jobs)
            return out
        map_chunks(run, n, chunk, n_jobs)
        return out

    @property
    def native(self) -> NativeKernel:
        """The emulator compiled (:mod:`symc.native`); raises, naming the reason, for a
        design it does not cover."""
        if self._native is None:
            q = self.input_quantization
            try:
                text = native_source(self.emulator.kernel, [p.format for p in self.inputs],
                                     q.quant, q.overflow, [p.raw_bounds for p in self.inputs])
            except NativeUnsupported as exc:
                raise SymcError(f"engine='native' cannot run this design: {exc}; "
                                "use engine='numpy'") from None
            self._native = NativeKernel(text)
        return self._native

    def simulate(self, X: Any) -> np.ndarray:
        """The same as :meth:`predict`, computed by the Verilog in Verilator (built once)."""
        return self.simulate_raw(self.quantize_inputs(X))

    def simulate_raw(self, raw_in: list[np.ndarray]) -> np.ndarray:
        """The Verilog's outputs (float64, one column per output) for raw integer port values,
        one column per input, taken as given: any value a port can carry, also outside the
        input's declared range (``emulator.run_float`` computes the same)."""
        # A pipelined design gets one vector per clock cycle and its results are read `latency`
        # cycles later, so they line up with X either way; rst is held low, valid_in high.
        clocked = self.schedule is not None and self.schedule.clock_ns is not None
        control = self.schedule.control_inputs if clocked and self.schedule else []
        if self._testbench is None:
            self._testbench = Testbench(
                self.verilog,
                self.name,
                [(p.name, p.format.width) for p in self.inputs] + [(c, 1) for c in control],
                [(p.name, p.format.width) for p in self.outputs],
                clock="clk" if clocked else None,
                latency=self.latency if clocked else 0,
            )
        n = len(raw_in[0]) if raw_in else 0
        fixed = [int(c == "valid_in") for c in control]
        out = np.zeros((n, len(self.outputs)))
        # SIM_CHUNK vectors per run of the testbench: the vector and result files of one run
        # are all that is ever held as text, whatever n is.
        for start in range(0, n, SIM_CHUNK):
            stop = min(start + SIM_CHUNK, n)
            bits = [[p.format.to_bits(int(v)) for v in col[start:stop]]
                    for col, p in zip(raw_in, self.inputs, strict=True)]
            vectors = [[*row, *fixed] for row in zip(*bits, strict=True)]
            out[start:stop] = _output_columns(self._testbench.run(vectors), self.outputs)
        return out

    def float_reference(self, X: Any) -> np.ndarray:
        """The real expressions in float64 at the inputs ``X`` as given (not quantized), one
        column per output: what the fixed-point outputs approximate."""
        if self.expressions is None:
            raise SymcError("this design carries no expressions to evaluate")
        arr = self._check_x(X)
        if not np.all(np.isfinite(arr)):
            row, col = np.argwhere(~np.isfinite(arr))[0]
            raise SymcError(f"X row {row}, column {col} is {arr[row, col]}: NaN or infinite "
                            "values have no real outputs")
        return real_values(self.expressions, [p.source for p in self.inputs], arr)

    def check(self, X: Any, rtl: bool = True) -> dict[str, Any]:
        """What ``X`` tells of the design: RTL against the emulator (``rtl``: in Verilator),
        and the emulator against the real expressions at the real inputs, per output: max and
        mean absolute error, and the share of vectors whose real value lies outside the
        output's format (wrapped or saturated). Bit for bit is not correct: both are here."""
        emulated = self.predict(X)
        result: dict[str, Any] = {"vectors": len(emulated)}
        if rtl:
            simulated = self.simulate(X)
            result["rtl_mismatches"] = int(np.sum(np.any(simulated != emulated, axis=1)))
        outputs = []
        if self.expressions is not None and len(emulated):
            real = self.float_reference(X)
            for j, port in enumerate(self.outputs):
                err = np.abs(emulated[:, j] - real[:, j])
                fmt = port.format
                outside = (real[:, j] < fmt.min_value) | (real[:, j] > fmt.max_value)
                outputs.append({"name": port.name, "max_abs_error": float(np.max(err)),
                                "mean_abs_error": float(np.mean(err)),
                                "outside_format": float(np.mean(outside)),
                                "error_bound": port.error_bound})
        result["outputs"] = outputs
        return result

    # --- measured figures -------------------------------------------------------------------

    def report(self, target: str = "xcup", show: bool = True,
               fmax: bool | None = None) -> dict[str, Any]:
        """Resources (yosys) and latency in cycles and ns for ``target`` (xc7, xcup, ecp5);
        with ``fmax`` also Fmax and the critical path, placed and routed by nextpnr-ecp5 on the
        smallest ECP5 that holds the design (default: for ``ecp5`` yes, for Xilinx targets no:
        they get the delay model's stage estimate). Printed as a table unless ``show=False``,
        returned as a dict, cached (symc/report.py)."""
        return report(self, target, show, fmax=fmax)

    # --- HLS C++ (symc/backends/hls.py, hls_project.py; C simulation: toolchain/gxx.py) ------

    @property
    def hls(self) -> Any:
        """The printed HLS C++ (:class:`symc.backends.hls.HLSCode`: header, source, ports)."""
        if self._hls is None:
            q = self.input_quantization
            self._hls = print_kernel(self.fixed_module, q.quant, q.overflow)
        return self._hls

    @property
    def hls_cpp(self) -> str:
        """The top function as HLS C++ (``NAME.cpp``: ap_fixed types, tables, II=1)."""
        return self.hls.source

    def hls_project(self, layout: str = "symc", X: Any = None, part: str | None = None,
                    clock_ns: float | None = None) -> dict[str, str]:
        """Every file of an HLS project (path -> text), ``layout`` ``"symc"`` or ``"hls4ml"``.

        ``tb_data`` holds the vectors ``X`` (default: 1000, range corners first) and the
        emulator's outputs for them; ``part`` and ``clock_ns`` go to the build scripts.
        """
        if X is None:
            X = sample_inputs(self, 1000, seed=0)
        code = self.hls
        raw_out = self.emulator.run_raw(self.quantize_inputs(X))
        vectors = (project.raw_columns(code.inputs, self.quantize_inputs(X)),
                   project.raw_columns(code.outputs, raw_out))
        if clock_ns is None:
            schedule = getattr(self, "schedule", None)
            clock_ns = getattr(schedule, "clock_ns", None) or project.DEFAULT_CLOCK_NS
        assert clock_ns is not None
        return project.project_files(code, layout, part or project.DEFAULT_PART, clock_ns,
                                     vectors)

    def save_hls(self, directory: str | Path, layout: str = "symc", X: Any = None,
                 part: str | None = None, clock_ns: float | None = None) -> list[Path]:
        """Write :meth:`hls_project` into ``directory``; returns the paths written."""
        return write_project(self.hls_project(layout, X, part, clock_ns), directory)

    def csim(self, X: Any) -> np.ndarray:
        """The same as :meth:`predict`, computed by the HLS C++ compiled with g++ (built once)."""
        columns = self.quantize_inputs(X)
        return self.csim_raw(columns, n=len(self._check_x(X)))

    def csim_raw(self, columns: list[np.ndarray], n: int | None = None) -> np.ndarray:
        """The HLS C++'s outputs for raw integer port values taken as given (as
        :meth:`simulate_raw`); ``n`` vectors when the design has no inputs."""
        code = self.hls
        # A design without inputs still gets one (empty) vector per row of X.
        raw_in = raw_columns(code.inputs, columns) if columns else [[] for _ in range(n or 0)]
        if self._csim is None:
            files = project_files(code)
            sources = [f"{self.name}.cpp", f"{self.name}_test.cpp"]
            self._csim = CSim(files, sources, [p.format.width for p in code.inputs],
                              [p.format.width for p in code.outputs], name=f"{self.name}_csim")
        results = self._csim.run(raw_in) if raw_in else []
        return _output_columns(results, code.outputs)

    # --- tables ---------------------------------------------------------------------------

    @property
    def tables(self) -> list[dict[str, Any]]:
        """Every lookup table: function, domain, entries, bits (output width), max_error
        (measured against float64 over the argument's range, within the domain), and how it is
        indexed and range-reduced (``"period"``: one period of a periodic function; ``"exp2"``:
        ``2**f`` over one octave, scaled by ``2**k``; ``"octave"``: ``1/m`` of a reciprocal's
        normalized divisor, scaled by ``2**-p``; ``"none"``), its interpolation (``"none"``,
        ``"linear"``, or ``"bipartite"`` with ``offsets`` entries in its second ROM), and where
        its ROM is: ``"block"`` (block RAM, ``roms="block"``) or ``"logic"``."""
        found = []
        for op in self.fixed_module.walk():
            if not isinstance(op, sym.LutOp):
                continue
            spec = op.spec
            found.append({
                "function": spec.function,
                "domain": list(spec.domain),
                "entries": spec.entries,
                "bits": spec.out_format.width,
                "entry_bits": spec.entry_format.width,
                "max_error": op.max_error.value.data if op.max_error is not None else None,
                "indexing": spec.indexing,
                "periodic": spec.periodic,
                "reduction": ("period" if spec.periodic else "exp2" if spec.exponent
                              else "octave" if spec.normalized else "none"),
                "input_format": str(spec.in_format),
                "output_format": str(spec.out_format),
                "rom": "block" if "rom_impl" in op.attributes else "logic",
                "interpolation": ("bipartite" if spec.bipartite else "linear"
                                  if spec.interp_bits else "none"),
                **({"offsets": len(spec.offsets)} if spec.bipartite else {}),
            })
        return found

    # --- summary --------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """What was built: ports, formats, latency, renamed ports (the CLI's JSON)."""
        q = self.input_quantization
        return {
            "name": self.name,
            "precision": self.precision,
            "input_quantization": {"quant": str(q.quant), "overflow": str(q.overflow)},
            "latency": self.latency,
            "inputs": [p.to_json() | {"source": p.source} for p in self.inputs],
            "outputs": [p.to_json() | {"expression": p.source} for p in self.outputs],
            "renamed": dict(self.renamed),
            "tables": self.tables,
            "pipeline": self.pipeline,
        }

    def save(self, directory: str | Path) -> list[Path]:
        """Write ``<name>.sv``, ``<name>.<stage>.mlir`` and ``<name>.json``; returns the paths.
        A design with ECP5 DSP primitives (:mod:`symc.backends.ecp5_dsp`) also gets
        ``MULT18X18D_sim.v``, symc's simulation model of the primitive, for simulators."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / f"{self.name}.sv"]
        paths[0].write_text(self.verilog)
        if ecp5_dsp.uses_dsp(self.verilog):
            paths.append(out / ecp5_dsp.SIMULATION_MODEL.name)
            paths[-1].write_text(ecp5_dsp.SIMULATION_MODEL.read_text())
        for stage in STAGES:
            path = out / f"{self.name}.{stage}.mlir"
            path.write_text(self.mlir(stage))
            paths.append(path)
        summary = out / f"{self.name}.json"
        summary.write_text(json.dumps(self.summary(), indent=2) + "\n")
        paths.append(summary)
        return paths

    def __repr__(self) -> str:
        ins = ", ".join(f"{p.name}: {p.format}" for p in self.inputs)
        outs = ", ".join(f"{p.name}: {p.format}" for p in self.outputs)
        return f"<Design {self.name} ({ins}) -> ({outs}), latency {self.latency}>"


def real_values(exprs: list[Any], names: list[str], X: np.ndarray) -> np.ndarray:
    """float64 values of sympy expressions (no user functions left) at the rows of ``X``,
    whose columns are the symbols ``names``: one column per expression."""
    symbols = [sympy.Symbol(n) for n in names]
    cols = []
    with np.errstate(all="ignore"):
        for expr in exprs:
            f = sympy.lambdify(symbols, expr, modules="numpy")
            cols.append(np.broadcast_to(np.asarray(f(*X.T), dtype=np.float64), (len(X),)))
    return np.stack(cols, axis=1) if cols else np.zeros((len(X), 0))


def sample_inputs(design: Design, n: int, seed: int) -> np.ndarray:
    """``n`` input vectors: every corner of the input ranges, then uniform samples."""
    rng = np.random.default_rng(seed)
    lows = np.array([p.range[0] for p in design.inputs if p.range is not None])
    highs = np.array([p.range[1] for p in design.inputs if p.range is not None])
    k = len(design.inputs)
    corners = [
        [highs[i] if (c >> i) & 1 else lows[i] for i in range(k)] for c in range(min(2**k, n))
    ]
    rest = rng.uniform(lows, highs, size=(max(0, n - len(corners)), k))
    return np.vstack([np.array(corners).reshape(-1, k), rest])


def _output_columns(results: list[list[int]], outputs: list[Any]) -> np.ndarray:
    """Simulated output bit patterns (one row per vector) as float64 columns, one per port."""
    if not results:
        return np.zeros((0, len(outputs)))
    cols = [
        np.array([port.format.to_float(port.format.from_bits(r[j])) for r in results],
                 dtype=np.float64)
        for j, port in enumerate(outputs)
    ]
    return np.stack(cols, axis=1)
