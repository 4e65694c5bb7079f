"""Grad mode and anomaly mode: per thread, as PyTorch's.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``detect_anomaly`` change
the calling thread's mode only. A thread evaluating under ``no_grad``, or running a
backward (which records only with ``create_graph=True``), never turns recording
off in another.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from _thread import get_ident
from collections.abc import Callable


class _Mode(threading.local):
    """Grad mode and anomaly mode, per thread (as PyTorch's): a thread evaluating under
    ``no_grad``, or running a backward, never turns recording off in another."""

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False

    def set(self, grad_enabled: bool, anomaly: bool) -> None:
        if grad_enabled is not self.grad_enabled:
            swap_grad_enabled(grad_enabled)
        if anomaly is not self.anomaly:  # (the set first on, last off: as swap_grad_enabled)
            if anomaly:
                ALL_THREADS.anomalous.add(get_ident())
                self.anomaly = True
            else:
                self.anomaly = False
                ALL_THREADS.anomalous.discard(get_ident())


class _AllThreads:
    """Which threads have grad mode off, or anomaly mode on, by thread id. A
    thread-local read costs ~35 ns more than a slot, so the hot paths test ``not
    ALL_THREADS.off`` (no thread has grad mode off) and read their own thread's mode
    only when some thread has; ``record`` reads a thread's anomaly flag only while
    ``anomalous`` is not empty. Sets, not counters under a lock: a set's add and
    discard are atomic, and an uncontended lock here costs ~0.3 us a switch
    (``no_grad`` switches twice)."""

    __slots__ = ("off", "anomalous")

    def __init__(self) -> None:
        self.off: set[int] = set()
        self.anomalous: set[int] = set()


ALL_THREADS = _AllThreads()
STATE = _Mode()


def swap_grad_enabled(enabled: bool) -> bool:
    """Set this thread's grad mode and return the one it had (one thread-local read,
    ~35 ns): what ``no_grad`` and backward switch with.

    Examples
    --------
    >>> from autodiff.grad_mode import is_grad_enabled, swap_grad_enabled
    >>> prev = swap_grad_enabled(False)
    >>> is_grad_enabled(), swap_grad_enabled(prev)
    (False, False)
    """
    mode = STATE
    prev = mode.grad_enabled
    if prev is not enabled:
        # (the set says "some thread is off" before this thread is, and after it is not
        # any more: code run between the two steps, a finalizer, never records wrongly)
        if enabled:
            mode.grad_enabled = True
            ALL_THREADS.off.discard(get_ident())
        else:
            ALL_THREADS.off.add(get_ident())
            mode.grad_enabled = False
    return prev


def recording() -> bool:
    """Whether this thread records ops (its grad mode), cheaply.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.engine import recording
    >>> with autodiff.no_grad():
    ...     recording()
    False
    """
    return not ALL_THREADS.off or STATE.grad_enabled




# ------------------------------------------------------------------ grad mode
class _GradMode:
    """Switch this thread's grad mode for a ``with`` block or a decorated function
    (slotted: an optimizer step enters ``no_grad`` once a step)."""

    __slots__ = ("enabled", "prev", "__dict__")  # (subclasses keep their own settings)

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled is True or bool(enabled)

    def __enter__(self):
        self.prev = swap_grad_enabled(self.enabled)
        return self

    def __exit__(self, *exc):
        swap_grad_enabled(self.prev)
        return False

    def __call__(self, fn):
        enabled = self.enabled
        if inspect.isgeneratorfunction(fn):
            return _in_mode_generator(fn, lambda: _GradMode(enabled))

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _GradMode(enabled):
                return fn(*args, **kwargs)

        return wrapper


def _in_mode_generator(fn, mode):
    """``fn``, a generator function, with each step of its body run under ``mode()``
    (as PyTorch's decorators): the caller's code between steps keeps its own mode."""

    @functools.wraps(fn)
    def generator(*args, **kwargs):
        with mode():
            gen = fn(*args, **kwargs)
        try:
            with mode():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with mode():
                        gen.close()
                    raise
                except BaseException as raised:  # (thrown in by the caller: passed on)
                    with mode():
                        response = gen.throw(raised)
                else:
                    with mode():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value

    return generator


def no_grad(orig_func: Callable | None = None) -> _GradMode:
    """Context manager and decorator that turns off graph recording.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(2, requires_grad=True)
    >>> with autodiff.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """
    if orig_func is not None:  # used as a bare decorator: @autodiff.no_grad
        return _GradMode(False)(orig_func)
    return _GradMode(False)


def enable_grad(orig_func: Callable | None = None) -> _GradMode:
    """Context manager and decorator that turns graph recording back on.

    Examples
    --------
    >>> import autodiff
    >>> with autodiff.no_grad():
    ...     with autodiff.enable_grad():
    ...         y = autodiff.ones(1, requires_grad=True) * 2
    >>> y.requires_grad
    True
    """
    if orig_func is not None:
        return _GradMode(True)(orig_func)
    return _GradMode(True)


class set_grad_enabled(_GradMode):
    """Turn recording on or off; usable as a function, context manager or decorator.

    Examples
    --------
    >>> import autodiff
    >>> with autodiff.set_grad_enabled(False):
    ...     autodiff.is_grad_enabled()
    False
    """

    def __init__(self, mode: bool) -> None:
        # like PyTorch, calling it as a plain function takes effect immediately
        super().__init__(bool(mode))
        self.prev = STATE.grad_enabled
        STATE.set(self.enabled, STATE.anomaly)

    def __enter__(self):
        return self

    def __call__(self, fn):
        STATE.set(self.prev, STATE.anomaly)  # as a decorator it only applies inside fn
        return super().__call__(fn)


def is_grad_enabled() -> bool:
    """Whether operations are being recorded.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.is_grad_enabled()
    True
    """
    return STATE.grad_enabled


class detect_anomaly(contextlib.ContextDecorator):
    """Raise as soon as a backward step produces NaN or Inf, naming the op and
    the user's line that created it.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([0.0], requires_grad=True)
    >>> with autodiff.detect_anomaly():
    ...     y = x.sqrt()
    ...     try:
    ...         y.sum().backward()
    ...     except RuntimeError as err:
    ...         print(str(err).splitlines()[0])
    backward of 'sqrt' produced Inf in the gradient of its input 0
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = STATE.anomaly
        STATE.set(STATE.grad_enabled, bool(self.check_nan))
        return self

    def __exit__(self, *exc):
        STATE.set(STATE.grad_enabled, self.prev)
        return False


class inference_mode(_GradMode):  # noqa: N801 - PyTorch's name
    """Context manager and decorator for inference: here the same as ``no_grad``
    (``inference_mode(False)`` changes nothing, as PyTorch's does for grad mode).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(2, requires_grad=True)
    >>> with autodiff.inference_mode():
    ...     y = x * 2
    >>> y.requires_grad
    False
    >>> @autodiff.inference_mode()
    ... def f(t):
    ...     return t * 2
    >>> f(x).requires_grad
    False
    """

    def __init__(self, mode: bool = True) -> None:
        if callable(mode) and not isinstance(mode, bool):  # bare @inference_mode
            self._fn = mode
            mode = True
        self.mode = bool(mode)
        super().__init__(False)

    def __enter__(self):
        self.prev = STATE.grad_enabled
        if self.mode:
            STATE.set(False, STATE.anomaly)
        return self

    def __call__(self, *args, **kwargs):
        fn = getattr(self, "_fn", None)
        if fn is not None:  # the bare-decorator form, called with fn's arguments
            if inspect.isgeneratorfunction(fn):
                return _in_mode_generator(fn, lambda: inference_mode(True))(*args, **kwargs)
            with inference_mode(True):
                return fn(*args, **kwargs)
        (fn,) = args
        mode = self.mode
        if inspect.isgeneratorfunction(fn):
            return _in_mode_generator(fn, lambda: inference_mode(mode))

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with inference_mode(mode):
                return fn(*a, **k)

        return wrapper
