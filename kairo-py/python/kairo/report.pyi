from typing import Any, Dict, Optional

def html(
    returns: Any,
    benchmark: Any = None,
    title: str = "Tear sheet",
    output: Optional[str] = None,
    period: str = "daily",
    dates: Any = None,
) -> str: ...
def series(returns: Any, benchmark: Any = None, period: str = "daily", dates: Any = None) -> Dict[str, Any]: ...
def metrics(returns: Any, benchmark: Any = None, period: str = "daily", dates: Any = None) -> Any: ...
