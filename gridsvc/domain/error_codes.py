"""The registry of error codes: every code a client can see, once, with its HTTP status and a
general message in Chinese and English.

A raise site names a member (`Conflict("…", "…", code=ErrorCode.STALE)`) and may add a specific
message and details; the status always comes from here, so a 409 condition cannot go out as a
422 by mistake. `/openapi.json` publishes this table and tests/test_error_codes.py checks that
every member is raised somewhere and that no raise site uses a free string.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # A str subclass: `exc.code == "stale"` and JSON encoding keep working unchanged.
    status: int
    zh: str
    en: str

    def __new__(cls, value: str, status: int, zh: str, en: str) -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        member.zh = zh
        member.en = en
        return member

    # -- 400: the request cannot be read
    BAD_REQUEST = "bad_request", 400, "请求无法读取", "the request cannot be read"
    BAD_JSON = "bad_json", 400, "请求体不是所需的 JSON", "the body is not the JSON expected"
    EMPTY_BODY = "empty_body", 400, "请求体为空", "the request body is empty"
    BAD_PARAMETER = "bad_parameter", 400, "查询参数无效", "a query parameter is invalid"
    # boundary generations (issue 11): a day the stored generations do not reach
    BEFORE_FIRST_GENERATION = ("before_first_generation", 400, "该日期早于最早的边界版本",
                               "the date is before the first boundary generation")
    BAD_CURSOR = "bad_cursor", 400, "分页游标无效", "the page cursor is invalid"
    MISSING_PARAMETER = "missing_parameter", 400, "缺少查询参数", "a query parameter is missing"
    MISSING_CREDENTIALS = "missing_credentials", 400, "需要用户名和密码", "username and password are required"
    MISSING_FILE = "missing_file", 400, "缺少上传的文件", "the uploaded file is missing"
    BAD_FORMAT = "bad_format", 400, "不支持的文件格式", "unsupported file format"
    BAD_POINTS = "bad_points", 400, "坐标点列表无效", "the list of points is invalid"
    TOO_DEEP = "too_deep", 400, "JSON 嵌套层数过多", "the JSON is nested too deeply"
    BAD_UNICODE = "bad_unicode", 400, "请求体含有无效的 Unicode 字符", "the body holds invalid Unicode"

    # -- 401, 403: who may do what
    UNAUTHENTICATED = "unauthenticated", 401, "请先登录", "please log in first"
    BAD_CREDENTIALS = "bad_credentials", 401, "用户名或密码错误", "wrong username or password"
    WRONG_PASSWORD = "wrong_password", 403, "原密码不正确", "the old password is wrong"
    FORBIDDEN = "forbidden", 403, "您无权进行此操作", "you are not allowed to do this"
    CSRF_FAILED = ("csrf_failed", 403, "表单已过期或来源不明,请刷新页面后重试",
                   "the form expired or came from elsewhere; reload and retry")
    NO_ORG = "no_org", 403, "您尚未加入社会组织", "you do not belong to an organisation"
    NOT_YOUR_ORG = "not_your_org", 403, "只能为本组织办理", "only for your own organisation"
    OWN_APPLICATION = "own_application", 403, "不能审批自己提交的申请", "nobody decides their own application"
    WRONG_ACTOR = "wrong_actor", 403, "您不能执行此操作", "this step is not yours to take"
    WRONG_ROLE = "wrong_role", 403, "您的角色不能执行此操作", "your role cannot do this"
    WRONG_APPROVAL_LEVEL = ("wrong_approval_level", 403, "该准入申请应由部门所在层级的领导小组审批",
                            "the leading group of the department's level decides this application")
    NO_ACTOR = "no_actor", 403, "没有操作人,不能执行", "no actor: the store does not act unauthorised"

    # -- 404: not there
    NOT_FOUND = "not_found", 404, "找不到该页面或记录", "not found"
    COMPOUND_NOT_FOUND = "compound_not_found", 404, "小区不存在", "no such compound"
    ZONE_NOT_FOUND = "zone_not_found", 404, "功能区不存在", "no such zone"
    # governance records (issue 12 items 5-7)
    TRAINING_NOT_FOUND = "training_not_found", 404, "培训记录不存在", "no such training session"
    SPACE_NOT_FOUND = "space_not_found", 404, "场地不存在", "no such service space"
    CONSULTATION_NOT_FOUND = "consultation_not_found", 404, "协商议事事项不存在", "no such consultation"
    USER_NOT_FOUND = "user_not_found", 404, "账号不存在", "no such account"
    TOKEN_NOT_FOUND = "token_not_found", 404, "令牌不存在", "no such token"
    ITEM_NOT_FOUND = "item_not_found", 404, "事项不存在", "no such catalog item"
    VERSION_NOT_FOUND = "version_not_found", 404, "事项没有该版本", "the item has no such version"
    ADMISSION_NOT_FOUND = "admission_not_found", 404, "准入申请不存在", "no such admission application"
    JURISDICTION_NOT_FOUND = "jurisdiction_not_found", 404, "辖区不存在", "no such jurisdiction"
    NOT_A_SERVICE = "not_a_service", 404, "不是可申请的服务", "not a service"
    NOT_ADMITTED = "not_admitted", 404, "准入事项未列入该日的清单", "the admitted item is in no list that day"
    NOT_FOR_AREA = "not_for_area", 404, "事项不适用于该区域", "the item does not apply to this area"
    NOT_IN_FORCE = "not_in_force", 404, "事项在该日不在有效期内", "the item is not in force that day"

    # -- 405, 413, 429, 500: HTTP-level conditions
    METHOD_NOT_ALLOWED = "method_not_allowed", 405, "不支持该请求方法", "method not allowed"
    TOO_LARGE = "too_large", 413, "请求内容过大", "the request is too large"
    TOO_MANY_REQUESTS = "too_many_requests", 429, "请求过于频繁,请稍后再试", "too many attempts; try again later"
    LOGIN_THROTTLED = "login_throttled", 429, "登录失败次数过多,请稍后再试", "too many failed logins; wait and retry"
    INTERNAL = "internal", 500, "服务器内部错误", "internal error"

    # -- 409: the state or someone else's change stands in the way
    CONFLICT = "conflict", 409, "数据冲突,请刷新后重试", "conflicting change; reload and retry"
    STALE = "stale", 409, "已被他人修改或处理,请刷新后重试", "changed by someone else meanwhile; reload and retry"
    ADMITTED_WORK = ("admitted_work", 409, "该事项已准入,不能作为未准入事项拒绝",
                     "the work was admitted; it cannot be refused as unadmitted")
    BUILDING_IN_OTHER_COMPOUND = ("building_in_other_compound", 409, "楼栋已属于其他小区",
                                  "the building belongs to another compound")
    BUSY = "busy", 409, "系统繁忙,请重试", "busy; try again"
    OWN_ACCOUNT = "own_account", 409, "不能停用自己的账号", "you cannot deactivate your own account"
    ALREADY_ACTIVE = "already_active", 409, "账号已启用", "the account is already active"
    ALREADY_INACTIVE = "already_inactive", 409, "账号已停用", "the account is already inactive"
    BAD_TRANSITION = "bad_transition", 409, "当前状态不允许此操作", "the current state does not allow this"
    ALREADY_CLAIMED = "already_claimed", 409, "已被他人认领", "already claimed by someone else"
    ALREADY_RATED = "already_rated", 409, "已经评价过", "already rated"
    ALREADY_SIGNED_UP = "already_signed_up", 409, "您已报名或认领", "you signed up or claimed already"
    CLAIM_EXPIRED = "claim_expired", 409, "认领已超期", "the claim has expired"
    CREDIT_CODE_TAKEN = "credit_code_taken", 409, "统一社会信用代码已被使用", "the credit code is taken"
    DEMAND_CANCELLED = "demand_cancelled", 409, "需求已取消", "the demand was cancelled"
    DEMAND_FULL = "demand_full", 409, "名额已满", "no places left"
    DEMAND_NOT_OPEN = "demand_not_open", 409, "需求不在招募中", "the demand is not recruiting"
    EVENT_NOT_STARTED = "event_not_started", 409, "活动尚未开始", "the event has not started"
    EXTENSION_USED = "extension_used", 409, "延期次数已用完", "no extension left"
    HAS_CHILDREN = "has_children", 409, "仍有下级区域", "the area still has sub-areas"
    HAS_PEOPLE = "has_people", 409, "仍有人员被分配到该区域", "people are still assigned to the area"
    HAS_REPORTS = "has_reports", 409, "仍有下级人员", "the person still has reports"
    ITEM_EXISTS = "item_exists", 409, "事项已存在", "the item exists already"
    ITEM_REVOKED = "item_revoked", 409, "事项已撤销", "the item was revoked"
    MEMBER_ELSEWHERE = "member_elsewhere", 409, "已属于另一个社会组织", "already a member of another organisation"
    NO_DRAFT = "no_draft", 409, "没有草稿版本", "there is no draft"
    NOT_ADMISSION_ITEM = "not_admission_item", 409, "不是准入事项", "not an admission item"
    NOT_PUBLISHED = "not_published", 409, "尚未发布", "not published"
    PLAN_CLOSED = "plan_closed", 409, "分配方案已结束", "the allocation plan is closed"
    PROJECT_FULL = "project_full", 409, "项目已无剩余承接能力", "the project has no capacity left"
    PROJECT_NOT_ELIGIBLE = "project_not_eligible", 409, "项目不能承接", "the project cannot take this on"
    TOO_MANY_CLAIMS = "too_many_claims", 409, "进行中的认领已达上限", "too many active claims"
    USERNAME_TAKEN = "username_taken", 409, "用户名已存在", "the username is taken"
    WISH_OVERDUE = "wish_overdue", 409, "心愿的期望完成日期已过", "the wish is past its date"

    # -- 422: the input breaks a rule
    INVALID = "invalid", 422, "输入的值不符合要求", "invalid value"
    REQUIRED = "required", 422, "缺少必填内容", "a required field is missing"
    BAD_BUILDINGS = "bad_buildings", 422, "楼栋列表无效", "invalid list of buildings"
    BAD_DEPARTMENT_LEVEL = "bad_department_level", 422, "申请部门层级无效", "invalid department level"
    BAD_DIGEST = "bad_digest", 422, "文件摘要应为 SHA-256", "the document digest must be a SHA-256"
    BAD_HOUSEHOLDS = "bad_households", 422, "户数无效", "invalid number of households"
    BAD_KIND = "bad_kind", 422, "类型无效", "invalid kind"
    BUILDING_NOT_IN_COMMUNITY = ("building_not_in_community", 422, "楼栋不在该社区内",
                                 "the building is not in the community")
    BUILDING_OUTSIDE_COMPOUND = ("building_outside_compound", 422, "楼栋不在小区范围内",
                                 "the building lies outside the compound")
    CERTIFICATE_NOT_ISSUED = ("certificate_not_issued", 422, "社区不再出具该证明",
                              "communities no longer issue this certificate")
    NOT_ON_SEAL_LIST = ("not_on_seal_list", 422, "该事项不在社区印章使用清单上",
                        "the item is not on the community seal list")
    UNKNOWN_ORG_TYPE = "unknown_org_type", 422, "未知的组织类型", "unknown organisation type"
    WRONG_LIST = "wrong_list", 422, "事项不属于该清单", "the item does not belong to this list"
    WRONG_ORGANIC_LAW = ("wrong_organic_law", 422, "依法履职事项应引用本组织适用的组织法",
                         "a duty item cites the organic law of its committee")
    INVALID_BODY = "invalid_body", 422, "请求内容不符合要求", "the body does not match the operation's schema"
    BAD_CHARACTERS = ("bad_characters", 422, "含有控制字符或不可见字符",
                      "control or invisible characters are not allowed")
    BAD_LABEL = "bad_label", 422, "令牌名称无效", "invalid token label"
    BAD_TYPE = "bad_type", 422, "字段类型不对", "a field has the wrong type"
    BAD_FIELD = "bad_field", 422, "字段的值无效", "a field is invalid"
    UNKNOWN_FIELD = "unknown_field", 422, "含有未知字段", "unknown field"
    NOT_EDITABLE = "not_editable", 422, "该字段不能修改", "this field cannot be changed"
    TOO_LONG = "too_long", 422, "内容过长", "too long"
    MULTILINE = "multiline", 422, "不能换行", "must be one line"
    BAD_NUMBER = "bad_number", 422, "应为整数", "must be an integer"
    BAD_DATE = "bad_date", 422, "日期无效,应为 YYYY-MM-DD", "invalid date; use YYYY-MM-DD"
    BAD_DATETIME = "bad_datetime", 422, "日期时间无效", "invalid date and time"
    BAD_PERIOD = "bad_period", 422, "期限的结束早于开始", "the period ends before it starts"
    DATE_IN_PAST = "date_in_past", 422, "日期已过去", "the date is in the past"
    STARTS_IN_PAST = "starts_in_past", 422, "开始时间已过去", "the start is in the past"
    BAD_WINDOW = "bad_window", 422, "活动时间无效", "invalid event window"
    WINDOW_TOO_LONG = "window_too_long", 422, "活动时间跨度过长", "the event window is too long"
    BAD_CODE = "bad_code", 422, "区划代码无效", "invalid area code"
    CODE_NOT_IN_PARENT = "code_not_in_parent", 422, "代码不在上级区域之下", "the code is not under its parent"
    BAD_PARENT = "bad_parent", 422, "上级区域无效", "invalid parent area"
    UNKNOWN_LEVEL = "unknown_level", 422, "未知的区域层级", "unknown area level"
    BAD_LEVEL = "bad_level", 422, "该层级不适用", "this level does not apply"
    UNKNOWN_AREA = "unknown_area", 422, "区域不存在", "unknown area"
    BAD_AREA = "bad_area", 422, "区域无效", "invalid area"
    BAD_AREAS = "bad_areas", 422, "区域列表无效", "invalid list of areas"
    AREAS_REJECTED = "areas_rejected", 422, "区域未通过检查,未保存任何数据", "areas rejected; nothing was stored"
    CHILDREN_OUTSIDE = ("children_outside", 422, "下级区域会落在新边界外",
                        "sub-areas would fall outside the new boundary")
    BAD_GEOJSON = "bad_geojson", 422, "GeoJSON 无效", "invalid GeoJSON"
    BAD_GEOMETRY = "bad_geometry", 422, "几何对象无效", "invalid geometry"
    # editing areas on the map (issue 11 item 1)
    BAD_SPLIT_LINE = "bad_split_line", 422, "分割线不能把区域分成两块", "the line does not cut the area in two"
    NOT_NEIGHBOURS = "not_neighbours", 422, "要合并的区域不相邻", "the areas to merge are not neighbours"
    NOT_SIBLINGS = "not_siblings", 422, "只能合并同一上级下的同级区域", "only areas of one level and parent merge"
    NO_FREE_CODE = "no_free_code", 409, "上级区域下已没有可用代码", "no free code is left under the parent"
    AREA_IN_USE = ("area_in_use", 409, "该区域仍被小区、社会组织或报送记录使用",
                   "compounds, organisations or reports still refer to the area")
    COMPOUND_REJECTED = ("compound_rejected", 422, "小区边界不符合几何规则",
                         "the compound's boundary breaks a geometry rule")
    BAD_PROPERTIES = "bad_properties", 422, "properties 应为对象", "properties must be an object"
    BAD_COORDINATES = "bad_coordinates", 422, "坐标超出范围", "coordinates out of range"
    BAD_POSITION = "bad_position", 422, "位置无效", "invalid position"
    NOT_IN_GRID = "not_in_grid", 422, "位置不在任何网格内", "no grid holds the position"
    POSITION_OUTSIDE_AREA = "position_outside_area", 422, "地点不在需求区域内", "the place is outside the demand's area"
    TOO_MANY_POINTS = "too_many_points", 422, "坐标点过多", "too many points"
    UNKNOWN_CRS = "unknown_crs", 422, "未知的坐标系", "unknown coordinate system"
    EMPTY_FILE = "empty_file", 422, "文件中没有内容", "the file has nothing in it"
    BAD_FILE = "bad_file", 422, "文件无法读取", "the file cannot be read"
    TOO_MANY_ROWS = "too_many_rows", 422, "文件行数过多,请分批导入", "too many rows; import in parts"
    IMPORT_REJECTED = "import_rejected", 422, "导入被拒绝,未存入任何数据", "import rejected; nothing was stored"
    BAD_ZONE = "bad_zone", 422, "功能区定义有误", "invalid zone"
    BAD_YEAR = "bad_year", 422, "年份无效", "invalid year"
    BAD_CLASS_HOURS = "bad_class_hours", 422, "学时无效", "invalid class hours"
    BAD_ATTENDEE = "bad_attendee", 422, "参训人员无效", "invalid attendee"
    BAD_SPACE = "bad_space", 422, "面积无效", "invalid floor area"
    BAD_EVALUATION = "bad_evaluation", 422, "评议票数无效", "invalid evaluation votes"
    UNKNOWN_ROLE = "unknown_role", 422, "未知角色", "unknown role"
    BAD_ASSIGNMENT_LEVEL = ("bad_assignment_level", 422, "该角色不能分配到此层级",
                            "the role cannot be assigned at this level")
    BAD_SUPERVISOR = "bad_supervisor", 422, "上级无效", "invalid supervisor"
    SUPERVISOR_ELSEWHERE = "supervisor_elsewhere", 422, "上级不在同一社区", "the supervisor is in another community"
    BAD_USERNAME = "bad_username", 422, "用户名无效", "invalid username"
    WEAK_PASSWORD = "weak_password", 422, "密码太短", "the password is too short"
    BAD_PHONE = "bad_phone", 422, "电话号码格式不正确", "invalid phone number"
    BAD_MEMBER_ROLE = "bad_member_role", 422, "该用户不能加入组织", "this user cannot join an organisation"
    UNKNOWN_ACTION = "unknown_action", 422, "未知的操作", "unknown action"
    UNKNOWN_STATUS = "unknown_status", 422, "未知的状态", "unknown status"
    UNKNOWN_CATEGORY = "unknown_category", 422, "未知的类别", "unknown category"
    UNKNOWN_LIST = "unknown_list", 422, "未知的清单", "unknown list"
    UNKNOWN_BENEFICIARY = "unknown_beneficiary", 422, "未知的受益人群", "unknown beneficiary group"
    UNKNOWN_BASEMAP = "unknown_basemap", 422, "未知底图", "unknown basemap"
    BAD_BASEMAP = "bad_basemap", 422, "底图定义有误", "invalid basemap definition"
    BASEMAP_KEY_MISSING = "basemap_key_missing", 422, "底图缺少密钥", "the basemap needs a key"
    UNKNOWN_INDICATOR = "unknown_indicator", 422, "未知指标", "unknown indicator"
    BAD_INDICATOR = "bad_indicator", 422, "指标定义有误", "invalid indicator"
    BAD_LAYER = "bad_layer", 422, "图层定义有误", "invalid layer"
    NOT_A_COMMUNITY = "not_a_community", 422, "平面图按社区绘制", "floor plans are drawn per community"
    UNKNOWN_ORG_KIND = "unknown_org_kind", 422, "未知的社会组织类别", "unknown organisation kind"
    UNKNOWN_ORG_STATUS = "unknown_org_status", 422, "未知的登记状态", "unknown registration status"
    BAD_ORG_NAME = "bad_org_name", 422, "社会组织名称无效", "invalid organisation name"
    BAD_CREDIT_CODE = "bad_credit_code", 422, "统一社会信用代码无效", "invalid unified social credit code"
    CREDIT_CODE_REQUIRED = "credit_code_required", 422, "须填写统一社会信用代码", "the credit code is required"
    AREA_OUTSIDE_ORG = "area_outside_org", 422, "区域不在组织的服务区域内", "the area is outside the organisation's"
    BAD_PROJECT_NAME = "bad_project_name", 422, "项目名称无效", "invalid project name"
    BAD_CAPACITY = "bad_capacity", 422, "承接能力无效", "invalid capacity"
    BAD_CATEGORIES = "bad_categories", 422, "服务类别无效", "invalid categories"
    BAD_TITLE = "bad_title", 422, "标题长度不符合要求", "the title has the wrong length"
    BAD_DESCRIPTION = "bad_description", 422, "描述无效", "invalid description"
    BAD_VALUE = "bad_value", 422, "估价无效", "invalid value"
    BAD_VALUE_CAP = "bad_value_cap", 422, "估价上限无效", "invalid value cap"
    VALUE_OVER_CAP = "value_over_cap", 422, "估价超过上限", "the value is over the cap"
    WISH_BY_PAST = "wish_by_past", 422, "期望完成日期已过", "the wished-by date is past"
    WISH_BY_TOO_FAR = "wish_by_too_far", 422, "期望完成日期超过一年", "the wished-by date is over a year away"
    BAD_BUILDING = "bad_building", 422, "楼栋无效", "invalid building"
    PLACE_MISSING = "place_missing", 422, "请选择楼栋或给出位置", "give a building or a position"
    BAD_PHOTO = "bad_photo", 422, "照片无效", "invalid photo"
    BAD_NOTE = "bad_note", 422, "完成情况说明无效", "invalid note"
    BAD_REASON = "bad_reason", 422, "原因长度不符合要求", "the reason has the wrong length"
    REASON_REQUIRED = "reason_required", 422, "须写明理由", "a reason is required"
    BAD_RATING = "bad_rating", 422, "评分无效", "invalid rating"
    BAD_COMMENT = "bad_comment", 422, "评价内容无效", "invalid comment"
    BAD_FULFILMENT_DATE = "bad_fulfilment_date", 422, "完成日期无效", "invalid fulfilment date"
    BAD_MERGE = "bad_merge", 422, "不能这样合并", "cannot merge this way"
    MERGE_ELSEWHERE = "merge_elsewhere", 422, "只能合并同一社区的心愿", "wishes merge within one community"
    BAD_WISHES = "bad_wishes", 422, "心愿列表无效", "invalid list of wishes"
    NO_WISHES = "no_wishes", 422, "没有待认领的心愿", "no published wishes"
    TOO_MANY_WISHES = "too_many_wishes", 422, "心愿过多", "too many wishes"
    BAD_ITEMS = "bad_items", 422, "方案内容无效", "invalid plan items"
    BAD_COUNT = "bad_count", 422, "人数应为正整数", "the count must be a positive integer"
    BAD_MEMBERS = "bad_members", 422, "承诺成员名单无效", "invalid list of committed members"
    NOT_ORG_MEMBER = "not_org_member", 422, "不是本组织的在册成员", "not an active member of the organisation"
    MEMBER_BUSY = "member_busy", 409, "成员在该时段已有安排", "the member is committed elsewhere at that time"
    BAD_ENTRIES = "bad_entries", 422, "时长记录无效", "invalid hour entries"
    BAD_HOURS = "bad_hours", 422, "服务时长无效", "invalid hours"
    HOURS_EXCEED_WINDOW = "hours_exceed_window", 422, "服务时长超过活动时长", "the hours exceed the event"
    BAD_SKILLS = "bad_skills", 422, "技能无效", "invalid skills"
    BAD_THRESHOLDS = "bad_thresholds", 422, "星级门槛无效", "invalid star thresholds"
    BAD_VOLUNTEERS_NEEDED = "bad_volunteers_needed", 422, "所需人数无效", "invalid number of volunteers"
    BAD_NEED = "bad_need", 422, "需求数据无效", "invalid need"
    BAD_PROVIDER = "bad_provider", 422, "提供方数据无效", "invalid provider"
    DUPLICATE_ID = "duplicate_id", 422, "编号重复", "duplicate id"
    DUPLICATE_DOC = "duplicate_doc", 422, "检索文档编号重复", "duplicate search document"
    BAD_ITEM_CODE = "bad_item_code", 422, "事项代码无效", "invalid item code"
    CODE_MISMATCH = "code_mismatch", 422, "代码与清单或类别不符", "the code does not match its list or category"
    CODE_CHANGED = "code_changed", 422, "事项代码不可修改", "an item code cannot change"
    MIXED_VERSIONS = "mixed_versions", 422, "版本记录属于多个事项", "versions of several items"
    BAD_MATERIAL = "bad_material", 422, "所需材料无效", "invalid material"
    BAD_COPIES = "bad_copies", 422, "份数无效", "invalid number of copies"
    BAD_VENUE = "bad_venue", 422, "办理地点无效", "invalid venue"
    BAD_FEE = "bad_fee", 422, "收费无效", "invalid fee"
    BAD_TIME_LIMIT = "bad_time_limit", 422, "办理时限无效", "invalid time limit"
    BAD_KEYWORD = "bad_keyword", 422, "关键词无效", "invalid keyword"
    PUBLISH_BEFORE_CURRENT = ("publish_before_current", 422, "发布日期早于现行版本",
                              "published before the current version")
    REVOKE_BEFORE_PUBLISH = "revoke_before_publish", 422, "撤销日期早于发布日期", "revoked before it was published"
    ADMISSION_AREAS = "admission_areas", 422, "准入事项的区域由准入批准决定", "an admission decides the areas"
    NOT_ADMISSIBLE = "not_admissible", 422, "该清单的事项不能准入", "items of this list cannot be admitted"
    NO_FUNDING = "no_funding", 422, "须落实经费:费随事转", "funding is required"
    PERIOD_ENDED = "period_ended", 422, "期限已过", "the period is over"
    OUTSIDE_PERIOD = "outside_period", 422, "不在期限内", "outside the period"
    # boundary generations (issue 11): a version takes effect today or on a past day after the current one
    EFFECTIVE_IN_FUTURE = ("effective_in_future", 422, "生效日期不能晚于今天",
                           "the effective date cannot be in the future")
    EFFECTIVE_BEFORE_CURRENT = ("effective_before_current", 422, "生效日期早于现行边界的生效日期",
                                "the effective date is before the current boundary took effect")

    # -- staff rosters (issue 11 item 4)
    APPOINTMENT_NOT_FOUND = "appointment_not_found", 404, "任职记录不存在", "no such appointment"
    POST_TAKEN = "post_taken", 409, "该岗位已有人在任", "someone holds this post already"
    ALREADY_HOLDS = "already_holds", 409, "此人已在该岗位任职", "the person holds this post already"
    TERM_ENDED = "term_ended", 409, "该任职已结束", "the appointment has ended already"
    NOT_STAFF = "not_staff", 422, "此人不是网格人员", "the person is not grid staff"
    BAD_TERM_DATE = "bad_term_date", 422, "任职日期无效", "invalid date of the appointment"
