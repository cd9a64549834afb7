"""Pieces of the OpenAPI description the resource modules share: parameters, responses
(every operation documents 304, 400 where it takes parameters, 404 where it finds one
item, and 429), and the page envelope. ``EXAMPLE`` marks where api/openapi.py puts an
example taken from the data (an id that exists), so that a client — and schemathesis —
can call a documented URL and find something."""

MAX_ID = 2**31 - 1


def example_of(key: str) -> dict:
    """A placeholder replaced by a real value of ``key`` when the document is built."""
    return {"x-example-of": key}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = ref("Error")
NOT_MODIFIED = {
    "description": "Dữ liệu không đổi từ lần tải trước (If-None-Match / If-Modified-Since)"
}
BAD_REQUEST = json_response("Tham số không hợp lệ", ERROR)
NOT_FOUND = json_response("Không tìm thấy", ERROR)
TOO_MANY = json_response("Quá nhiều yêu cầu từ một địa chỉ; thử lại sau Retry-After giây", ERROR)


def responses(ok: dict, *, bad_request: bool = True, not_found: bool = False) -> dict:
    out = {"200": ok, "304": NOT_MODIFIED, "429": TOO_MANY}
    if bad_request:
        out["400"] = BAD_REQUEST
    if not_found:
        out["404"] = NOT_FOUND
    return out


def int_param(name: str, description: str, minimum: int = 1, maximum: int = MAX_ID) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "integer", "minimum": minimum, "maximum": maximum},
    }


def text_param(name: str, description: str, max_length: int = 200) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        # No NUL byte: every request carrying one is refused (main/headers.py).
        "schema": {"type": "string", "maxLength": max_length, "pattern": "^[^\\u0000]*$"},
    }


def enum_param(name: str, description: str, values) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "enum": list(values)},
    }


PAGE = int_param("page", "Trang (từ 1); không dùng cùng “cursor”", 1, 1_000_000)
CURSOR = {
    "name": "cursor",
    "in": "query",
    "required": False,
    "description": (
        "Phân trang theo khóa: để trống cho trang đầu, sau đó gửi lại “next_cursor” của "
        "trang trước; chi phí như nhau ở mọi vị trí của danh sách. Không dùng cùng “page”."
    ),
    "schema": {"type": "string", "maxLength": 4000, "pattern": "^[A-Za-z0-9_-]*$"},
}


def path_id(name: str, description: str, example_key: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        **example_of(example_key),
    }


def page_schema(item: str) -> dict:
    """The envelope of a list: items, the (capped) total, and both ways to page on."""
    return {
        "type": "object",
        "required": ["items", "total", "total_capped", "page", "per_page", "next_cursor"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": ref(item)},
            "total": {
                "type": "integer",
                "minimum": 0,
                "nullable": True,
                "description": "Số kết quả (tối đa 1.000; null khi phân trang theo khóa)",
            },
            "total_capped": {
                "type": "boolean",
                "description": "true: có nhiều hơn “total” kết quả",
            },
            "page": {"type": "integer", "minimum": 1, "nullable": True},
            "per_page": {"type": "integer", "minimum": 1},
            "next_cursor": {"type": "string", "nullable": True},
        },
    }


UNIT_REF = {
    "type": "object",
    "required": ["id", "code", "name"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "name": {"type": "string"},
    },
}
FIELD_REF = {
    "type": "object",
    "required": ["id", "name"],
    "additionalProperties": False,
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
