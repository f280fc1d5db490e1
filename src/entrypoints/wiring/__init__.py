"""The one composition root: containers per area, the resources they open and close, process start-up."""

from entrypoints.wiring.container import Container, build_container, use_cases
from entrypoints.wiring.core import TASK_MODULES
from entrypoints.wiring.resources import running
from entrypoints.wiring.runtime import Runtime, bootstrap

__all__ = ["TASK_MODULES", "Container", "Runtime", "bootstrap", "build_container", "running", "use_cases"]
