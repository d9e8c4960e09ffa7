"""Every user-facing string, in English and Simplified Chinese, behind one helper."""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "简体中文"}

MESSAGES: dict[str, dict[str, str]] = {
    "auth.invalid_credentials": {
        "en": "The e-mail or password is not correct.",
        "zh": "邮箱或密码不正确。",
    },
    "auth.locked": {
        "en": "Too many failed attempts. This account is locked until {until}.",
        "zh": "失败次数过多，账户已锁定至 {until}。",
    },
    "access.denied": {
        "en": "You do not have access to that page.",
        "zh": "您无权访问该页面。",
    },
    "auth.required": {"en": "Please sign in.", "zh": "请先登录。"},
    "page.number_invalid": {"en": "The page number must be 1 or more.", "zh": "页码必须大于等于 1。"},
    "page.size_invalid": {
        "en": "The page size must be between 1 and {max}.",
        "zh": "每页条数必须在 1 到 {max} 之间。",
    },
    # JSON API (portal/api): request validation and transport errors.
    "auth.token_invalid": {
        "en": "Your session has expired or is not valid. Please sign in again.",
        "zh": "登录已过期或无效，请重新登录。",
    },
    "page.number_too_large": {"en": "The page number must be at most {max}.", "zh": "页码不能大于 {max}。"},
    "request.malformed_json": {
        "en": "The request body is not valid JSON.", "zh": "请求内容不是有效的 JSON。",
    },
    "request.body_required": {"en": "The request body is missing.", "zh": "缺少请求内容。"},
    "request.body_too_large": {"en": "The request body is too large.", "zh": "请求内容过大。"},
    "request.body_object_expected": {
        "en": "The request body must be a JSON object.", "zh": "请求内容必须是 JSON 对象。",
    },
    "request.field_required": {"en": "{field} is required.", "zh": "{field} 为必填项。"},
    "request.field_empty": {"en": "{field} must not be empty.", "zh": "{field} 不能为空。"},
    "request.field_unknown": {"en": "{field} is not an accepted field.", "zh": "不接受字段 {field}。"},
    "request.integer_expected": {"en": "{field} must be a whole number.", "zh": "{field} 必须是整数。"},
    "request.text_expected": {"en": "{field} must be text.", "zh": "{field} 必须是文本。"},
    "request.text_too_short": {
        "en": "{field} must be at least {min_length} characters long.",
        "zh": "{field} 至少需要 {min_length} 个字符。",
    },
    "request.text_too_long": {
        "en": "{field} must be at most {max_length} characters long.",
        "zh": "{field} 最多 {max_length} 个字符。",
    },
    "request.text_invalid": {
        "en": "{field} contains characters that are not allowed.", "zh": "{field} 包含不允许的字符。",
    },
    "request.number_too_small": {"en": "{field} must be at least {ge}.", "zh": "{field} 不能小于 {ge}。"},
    "request.number_too_large": {"en": "{field} must be at most {le}.", "zh": "{field} 不能大于 {le}。"},
    "request.value_invalid": {"en": "{field} is not valid: {reason}", "zh": "{field} 无效：{reason}"},
    "api.not_found": {"en": "There is no API endpoint at {path}.", "zh": "{path} 没有对应的 API 接口。"},
    "api.method_not_allowed": {
        "en": "{method} is not allowed on {path}.", "zh": "{path} 不支持 {method} 请求。",
    },
    "api.http_error": {
        "en": "The request could not be served (HTTP {http_status}).",
        "zh": "请求无法处理（HTTP {http_status}）。",
    },
    "internal": {
        "en": "Something went wrong on our side. Please try again later.",
        "zh": "服务器出错，请稍后再试。",
    },
    # --- The portal's pages (portal/, state/) ---
    "app.name": {"en": "Automotive Portal", "zh": "汽车产业链门户"},
    "app.tagline": {
        "en": "Carmaker, suppliers, dealers and customers on one platform.",
        "zh": "主机厂、供应商、经销商与客户，同一平台协同。",
    },
    "common.loading": {"en": "Loading…", "zh": "加载中…"},
    "common.search": {"en": "Search", "zh": "搜索"},
    "common.search_stock": {"en": "Search by SKU or name", "zh": "按编号或名称搜索"},
    "common.previous": {"en": "Previous", "zh": "上一页"},
    "common.next": {"en": "Next", "zh": "下一页"},
    "common.page_of": {"en": "Page {page} of {pages}", "zh": "第 {page} / {pages} 页"},
    "common.rows_total": {"en": "{total} rows", "zh": "共 {total} 条"},
    "common.all": {"en": "All", "zh": "全部"},
    "common.yes": {"en": "Yes", "zh": "是"},
    "common.no": {"en": "No", "zh": "否"},
    "common.cancel": {"en": "Cancel", "zh": "取消"},
    "common.save": {"en": "Save", "zh": "保存"},
    "common.no_results": {"en": "Nothing matches.", "zh": "没有符合条件的结果。"},
    "common.last_computed": {"en": "Figures computed at {time}", "zh": "数据计算于 {time}"},
    "common.unexpected_error": {
        "en": "Something went wrong. Please try again.",
        "zh": "出现错误，请重试。",
    },
    "role.admin": {"en": "Administrator", "zh": "管理员"},
    "role.manager": {"en": "Manager", "zh": "主机厂经理"},
    "role.supplier": {"en": "Supplier", "zh": "供应商"},
    "role.dealer": {"en": "Dealer", "zh": "经销商"},
    "role.customer": {"en": "Customer", "zh": "客户"},
    "org_kind.oem": {"en": "Carmaker", "zh": "主机厂"},
    "org_kind.supplier": {"en": "Supplier", "zh": "供应商"},
    "org_kind.dealer": {"en": "Dealer", "zh": "经销商"},
    "org_kind.carrier": {"en": "Carrier", "zh": "承运商"},
    "org_kind.consumer": {"en": "Customers", "zh": "个人客户"},
    "nav.overview": {"en": "Overview", "zh": "总览"},
    "nav.catalogue": {"en": "Catalogue", "zh": "产品目录"},
    "nav.stock": {"en": "Stock", "zh": "库存"},
    "nav.dashboard": {"en": "Dashboard", "zh": "工作台"},
    "nav.my_parts": {"en": "My parts", "zh": "我的零件"},
    "nav.my_stock": {"en": "My stock", "zh": "我的库存"},
    "nav.showroom": {"en": "Showroom", "zh": "展厅"},
    "nav.orders_stock": {"en": "Orders & stock", "zh": "订单与库存"},
    "nav.my_orders": {"en": "My orders", "zh": "我的订单"},
    "nav.users": {"en": "Users", "zh": "用户"},
    "nav.organisations": {"en": "Organisations", "zh": "组织"},
    "nav.menu": {"en": "Menu", "zh": "菜单"},
    "header.logout": {"en": "Log out", "zh": "退出登录"},
    "header.language": {"en": "Language", "zh": "语言"},
    "login.title": {"en": "Sign in", "zh": "登录"},
    "login.email": {"en": "E-mail", "zh": "邮箱"},
    "login.password": {"en": "Password", "zh": "密码"},
    "login.submit": {"en": "Sign in", "zh": "登录"},
    "login.demo_title": {"en": "Demo accounts", "zh": "演示账户"},
    "login.demo_hint": {"en": "Password of every demo account:", "zh": "所有演示账户的密码："},
    "login.fill_in": {"en": "Enter your e-mail and password.", "zh": "请输入邮箱和密码。"},
    "manager.title": {"en": "KPI overview", "zh": "关键指标总览"},
    "manager.subtitle": {
        "en": "The whole network: suppliers, warehouses and dealer stores.",
        "zh": "全网络：供应商、仓库与经销商门店。",
    },
    "manager.chart_title": {"en": "Units on hand by kind of location", "zh": "各类地点的在库数量"},
    "manager.top_categories": {"en": "Part units on hand by category", "zh": "各品类零件在库数量"},
    "supplier.title": {"en": "Supplier dashboard", "zh": "供应商工作台"},
    "supplier.subtitle": {"en": "Your parts and the stock at your plants.", "zh": "贵司零件及工厂库存。"},
    "supplier.stock_title": {"en": "Stock at your plants", "zh": "工厂库存"},
    "dealer.title": {"en": "Showroom and orders", "zh": "展厅与订单"},
    "dealer.subtitle": {"en": "Your store's vehicles, parts and orders.", "zh": "门店的车辆、零件与订单。"},
    "dealer.showroom_stock": {"en": "Showroom stock", "zh": "展厅库存"},
    "orders.title": {"en": "Orders", "zh": "订单"},
    "orders.none": {"en": "No orders yet", "zh": "暂无订单"},
    "orders.none_hint": {
        "en": "Orders placed through the portal will be listed here.",
        "zh": "通过门户下的订单将显示在这里。",
    },
    "showroom.title": {"en": "Showroom", "zh": "在线展厅"},
    "showroom.subtitle": {"en": "Every model and trim on offer.", "zh": "在售全部车型与配置。"},
    "showroom.body": {"en": "Body", "zh": "车身"},
    "showroom.powertrain": {"en": "Powertrain", "zh": "动力"},
    "showroom.range": {"en": "{km} km range", "zh": "续航 {km} 公里"},
    "showroom.consumption": {"en": "{litres} L/100 km", "zh": "油耗 {litres} 升/百公里"},
    "showroom.power": {"en": "{kw} kW", "zh": "{kw} 千瓦"},
    "showroom.in_stock": {"en": "{count} at your store", "zh": "门店现有 {count} 辆"},
    "showroom.empty": {"en": "No trims match these filters.", "zh": "没有符合筛选条件的车型。"},
    "body.sedan": {"en": "Sedan", "zh": "轿车"},
    "body.suv": {"en": "SUV", "zh": "SUV"},
    "body.hatchback": {"en": "Hatchback", "zh": "两厢车"},
    "body.mpv": {"en": "MPV", "zh": "MPV"},
    "body.pickup": {"en": "Pickup", "zh": "皮卡"},
    "body.wagon": {"en": "Estate", "zh": "旅行车"},
    "body.coupe": {"en": "Coupé", "zh": "轿跑"},
    "powertrain.bev": {"en": "Electric", "zh": "纯电"},
    "powertrain.phev": {"en": "Plug-in hybrid", "zh": "插电混动"},
    "powertrain.hev": {"en": "Hybrid", "zh": "混合动力"},
    "powertrain.ice": {"en": "Petrol", "zh": "燃油"},
    "my_orders.title": {"en": "My orders", "zh": "我的订单"},
    "kpi.suppliers": {"en": "Suppliers", "zh": "供应商"},
    "kpi.parts": {"en": "Parts", "zh": "零件"},
    "kpi.dealers": {"en": "Dealers", "zh": "经销商"},
    "kpi.trims": {"en": "Trims", "zh": "车型配置"},
    "kpi.models": {"en": "Models", "zh": "车型"},
    "kpi.locations": {"en": "Locations", "zh": "地点"},
    "kpi.part_units": {"en": "Part units on hand", "zh": "零件在库数量"},
    "kpi.part_units_reserved": {"en": "Part units reserved", "zh": "零件预留数量"},
    "kpi.vehicle_units": {"en": "Vehicles on hand", "zh": "车辆在库数量"},
    "kpi.low_stock": {"en": "Low-stock items", "zh": "低库存项"},
    "kpi.low_stock_hint": {"en": "{threshold} or fewer available", "zh": "可用数量不超过 {threshold}"},
    "kpi.stock_value": {"en": "Stock value", "zh": "库存价值"},
    "kpi.parts_supplied": {"en": "Parts supplied", "zh": "供应零件数"},
    "kpi.vehicle_units_reserved": {"en": "Vehicles reserved", "zh": "车辆预留数量"},
    "catalogue.subtitle": {"en": "Parts, their suppliers and list prices.", "zh": "零件、供应商与标价。"},
    "catalogue.category": {"en": "Category", "zh": "品类"},
    "catalogue.supplier": {"en": "Supplier", "zh": "供应商"},
    "catalogue.list_price": {"en": "List price", "zh": "标价"},
    "stock.subtitle": {"en": "Units on hand and reserved, by location.", "zh": "各地点的在库与预留数量。"},
    "stock.location": {"en": "Location", "zh": "地点"},
    "stock.item": {"en": "Item", "zh": "物料"},
    "stock.code": {"en": "Code", "zh": "编号"},
    "stock.on_hand": {"en": "On hand", "zh": "在库"},
    "stock.reserved": {"en": "Reserved", "zh": "预留"},
    "stock.available": {"en": "Available", "zh": "可用"},
    "stock.empty": {"en": "No stock rows.", "zh": "暂无库存记录。"},
    "location_kind.warehouse": {"en": "OEM warehouses", "zh": "主机厂仓库"},
    "location_kind.store": {"en": "Dealer stores", "zh": "经销商门店"},
    "location_kind.plant": {"en": "Supplier plants", "zh": "供应商工厂"},
    "chart.parts": {"en": "Parts", "zh": "零件"},
    "chart.vehicles": {"en": "Vehicles", "zh": "车辆"},
    "admin.title": {"en": "Users and organisations", "zh": "用户与组织"},
    "admin.users": {"en": "Users", "zh": "用户"},
    "admin.organisations": {"en": "Organisations", "zh": "组织"},
    "admin.email": {"en": "E-mail", "zh": "邮箱"},
    "admin.full_name": {"en": "Full name", "zh": "姓名"},
    "admin.role": {"en": "Role", "zh": "角色"},
    "admin.organisation": {"en": "Organisation", "zh": "组织"},
    "admin.active": {"en": "Active", "zh": "启用"},
    "admin.locked_until": {"en": "Locked until", "zh": "锁定至"},
    "admin.last_login": {"en": "Last login", "zh": "最近登录"},
    "admin.actions": {"en": "Actions", "zh": "操作"},
    "admin.name": {"en": "Name", "zh": "名称"},
    "admin.kind": {"en": "Kind", "zh": "类型"},
    "admin.country": {"en": "Country", "zh": "国家"},
    "admin.currency": {"en": "Currency", "zh": "币种"},
    "admin.time_zone": {"en": "Time zone", "zh": "时区"},
    "admin.password": {"en": "Initial password", "zh": "初始密码"},
    "admin.create_user": {"en": "New user", "zh": "新建用户"},
    "admin.create": {"en": "Create user", "zh": "创建用户"},
    "admin.choose": {"en": "Choose…", "zh": "请选择…"},
    "admin.reset_password": {"en": "Reset password", "zh": "重置密码"},
    "admin.reset_password_for": {"en": "New password for {email}", "zh": "为 {email} 设置新密码"},
    "admin.new_password": {"en": "New password", "zh": "新密码"},
    "admin.deactivate": {"en": "Deactivate", "zh": "停用"},
    "admin.activate": {"en": "Activate", "zh": "启用"},
    "admin.created": {"en": "User {email} created.", "zh": "已创建用户 {email}。"},
    "admin.password_was_reset": {
        "en": "Password of {email} reset; their sessions were ended.",
        "zh": "已重置 {email} 的密码，其登录会话已结束。",
    },
    "admin.deactivated": {"en": "{email} deactivated.", "zh": "已停用 {email}。"},
    "admin.activated": {"en": "{email} activated.", "zh": "已启用 {email}。"},
    "admin.never": {"en": "Never", "zh": "从未"},
    "user.email_invalid": {"en": "Enter a valid e-mail address.", "zh": "请输入有效的邮箱地址。"},
    "user.name_required": {"en": "Enter the full name.", "zh": "请输入姓名。"},
    "user.name_too_long": {
        "en": "The name must have at most {max} characters.",
        "zh": "姓名最多 {max} 个字符。",
    },
    "user.password_short": {
        "en": "The password must have at least {min} characters.",
        "zh": "密码至少需要 {min} 个字符。",
    },
    "user.role_invalid": {"en": "Choose a role.", "zh": "请选择角色。"},
    "user.organisation_invalid": {"en": "Choose an organisation.", "zh": "请选择组织。"},
    "user.role_organisation_mismatch": {
        "en": "This role cannot belong to that kind of organisation.",
        "zh": "该角色不能属于此类型的组织。",
    },
    "user.email_taken": {"en": "This e-mail is already in use.", "zh": "该邮箱已被使用。"},
    "user.not_found": {"en": "That user does not exist.", "zh": "该用户不存在。"},
    "user.cannot_deactivate_self": {
        "en": "You cannot deactivate your own account.",
        "zh": "不能停用自己的账户。",
    },
    "user.language_invalid": {"en": "Choose English or Simplified Chinese.", "zh": "请选择英文或简体中文。"},
    # --- Orders and payments (services/ordering.py, services/payments.py, services/order_states.py) ---
    "order.place_denied": {
        "en": "Only dealers and customers can place orders.", "zh": "只有经销商和客户可以下单。",
    },
    "order.idempotency_key_required": {
        "en": "An idempotency key is required for every order.", "zh": "每个订单都需要幂等键。",
    },
    "order.idempotency_key_invalid": {
        "en": "The idempotency key must be printable text of at most {max} characters.",
        "zh": "幂等键必须是不超过 {max} 个字符的可打印文本。",
    },
    "order.idempotency_conflict": {
        "en": "This idempotency key was already used for a different order. Use a new key for a new order.",
        "zh": "该幂等键已用于另一个不同的订单，新订单请使用新的幂等键。",
    },
    "order.lines_required": {
        "en": "The cart is empty: add at least one line.", "zh": "购物车为空，请至少添加一行。",
    },
    "order.too_many_lines": {
        "en": "An order can have at most {max} lines.", "zh": "一个订单最多 {max} 行。",
    },
    "order.line_invalid": {
        "en": "Line {line} is not a valid order line.", "zh": "第 {line} 行不是有效的订单行。",
    },
    "order.item_kind_invalid": {
        "en": "Line {line}: the item must be a part or a vehicle.",
        "zh": "第 {line} 行：商品必须是零件或整车。",
    },
    "order.item_required": {
        "en": "Line {line}: choose an item.", "zh": "第 {line} 行：请选择商品。",
    },
    "order.item_unknown": {
        "en": "Line {line}: there is no item {item} in the catalogue.",
        "zh": "第 {line} 行：目录中没有商品 {item}。",
    },
    "order.line_duplicate": {
        "en": "Line {line}: {item} is already on line {other}. Change that line's quantity instead.",
        "zh": "第 {line} 行：{item} 已在第 {other} 行，请直接修改该行数量。",
    },
    "order.quantity_invalid": {
        "en": "Line {line}: the quantity must be a whole number.", "zh": "第 {line} 行：数量必须是整数。",
    },
    "order.quantity_not_positive": {
        "en": "Line {line}: the quantity must be at least 1.", "zh": "第 {line} 行：数量至少为 1。",
    },
    "order.quantity_too_large": {
        "en": "Line {line}: at most {max} per line.", "zh": "第 {line} 行：每行最多 {max}。",
    },
    "order.currency_mixed": {
        "en": "Line {line} is priced in {currency}, the rest of the order in {expected}. "
              "Order them separately.",
        "zh": "第 {line} 行以 {currency} 计价，订单其他行以 {expected} 计价，请分开下单。",
    },
    "order.customer_one_vehicle": {
        "en": "A customer order is for exactly one vehicle.", "zh": "客户订单只能订购一辆车。",
    },
    "order.customer_vehicles_only": {
        "en": "Line {line}: customers can order vehicles only.", "zh": "第 {line} 行：客户只能订购整车。",
    },
    "order.buyer_location_invalid": {
        "en": "Choose one of your own locations (customers: a dealer store) to deliver to.",
        "zh": "请选择您自己的网点作为收货地（客户请选择经销商门店）。",
    },
    "order.source_location_invalid": {
        "en": "Stock can only come from one of the carmaker's warehouses.",
        "zh": "货源只能是主机厂的仓库。",
    },
    "order.no_source_location": {
        "en": "There is no warehouse to order from yet.", "zh": "目前没有可供下单的仓库。",
    },
    "order.out_of_stock": {
        "en": "Not enough stock for line {line} ({item}): {available} available, {requested} requested.",
        "zh": "第 {line} 行（{item}）库存不足：可用 {available}，需要 {requested}。",
    },
    "order.line_short": {
        "en": "Line {line} ({item}): {available} available, {requested} requested.",
        "zh": "第 {line} 行（{item}）：可用 {available}，需要 {requested}。",
    },
    "order.not_found": {"en": "That order does not exist.", "zh": "该订单不存在。"},
    "order.side_invalid": {
        "en": "Show orders you bought or orders you sold.", "zh": "请选择采购订单或销售订单。",
    },
    "order.status_invalid": {"en": "Unknown order status.", "zh": "未知的订单状态。"},
    "order.reason_too_long": {
        "en": "The reason can be at most {max} characters long.", "zh": "原因最多 {max} 个字符。",
    },
    "order.cancel_buyer_only": {
        "en": "Only the buyer can cancel this order.", "zh": "只有买方可以取消该订单。",
    },
    "order.not_cancellable": {
        "en": "This order can no longer be cancelled.", "zh": "该订单已无法取消。",
    },
    "order.illegal_transition": {
        "en": "An order cannot go from {from_status} to {to_status}.",
        "zh": "订单不能从 {from_status} 变为 {to_status}。",
    },
    "order.status.pending_payment": {"en": "Awaiting payment", "zh": "待付款"},
    "order.status.paid": {"en": "Paid", "zh": "已付款"},
    "order.status.allocated": {"en": "Allocated", "zh": "已配货"},
    "order.status.cancelled": {"en": "Cancelled", "zh": "已取消"},
    "order.kind.dealer_purchase": {"en": "Dealer purchase", "zh": "经销商采购"},
    "order.kind.customer_vehicle": {"en": "Vehicle order", "zh": "整车订单"},
    "order.event.placed": {"en": "Order placed; stock reserved", "zh": "订单已提交，库存已预留"},
    "order.event.payment_captured": {"en": "Payment received", "zh": "已收到付款"},
    "order.event.allocated": {
        "en": "Stock allocated; shipment created", "zh": "库存已分配，已创建发货单",
    },
    "order.event.cancelled_by_buyer": {"en": "Cancelled by the buyer", "zh": "买方已取消"},
    "order.event.payment_declined": {"en": "Payment declined", "zh": "付款被拒绝"},
    "order.event.hold_expired": {
        "en": "Payment not received in time; reservation released", "zh": "未按时付款，预留已释放",
    },
    "order.cancelled.by_buyer": {"en": "You cancelled this order.", "zh": "您已取消该订单。"},
    "order.cancelled.payment_declined": {
        "en": "The payment was declined: {reason}", "zh": "付款被拒绝：{reason}",
    },
    "order.cancelled.payment_timeout": {
        "en": "The payment was not received in time, so the reserved stock was released.",
        "zh": "未在规定时间内收到付款，预留库存已释放。",
    },
    "payment.status.pending": {"en": "Pending", "zh": "待支付"},
    "payment.status.captured": {"en": "Captured", "zh": "已扣款"},
    "payment.status.declined": {"en": "Declined", "zh": "已拒绝"},
    "payment.status.unknown": {"en": "Awaiting the bank's answer", "zh": "等待银行确认"},
    "payment.status.void": {"en": "Not taken", "zh": "未扣款"},
    "payment.status.refunded": {"en": "Refunded", "zh": "已退款"},
    "payment.illegal_transition": {
        "en": "A payment cannot go from {from_status} to {to_status}.",
        "zh": "付款状态不能从 {from_status} 变为 {to_status}。",
    },
    "payment.notice_signature_invalid": {
        "en": "The payment notice is not signed correctly.", "zh": "付款通知签名无效。",
    },
    "payment.notice_invalid": {"en": "The payment notice is malformed.", "zh": "付款通知格式不正确。"},
    "payment.not_found": {"en": "There is no payment with that key.", "zh": "没有对应该键的付款。"},
    "payment.notice_amount_mismatch": {
        "en": "The payment notice's amount or currency does not match the payment.",
        "zh": "付款通知的金额或币种与付款不符。",
    },
    "payment.refunded_late": {
        "en": "The payment arrived after the order was cancelled and was refunded in full.",
        "zh": "付款在订单取消后到账，已全额退款。",
    },
}


def translate(key: str, language: str = "en", **params: object) -> str:
    """The message `key` in `language` (English when missing), with `params` filled in.
    An unknown key comes back as itself, so a missing string shows, never crashes."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(language) or entry["en"]
    return text.format(**params) if params else text


def catalogue(language: str) -> dict[str, str]:
    """All messages in one language (what the page loads into its state)."""
    return {key: entry.get(language) or entry["en"] for key, entry in MESSAGES.items()}
