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
    "admin.user": {"en": "User", "zh": "用户"},
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
    # Supplier workspace (issue 4): purchase orders, incidents, inventory sync, scorecards.
    "quantity.required": {"en": "Enter a quantity.", "zh": "请输入数量。"},
    "quantity.not_a_number": {"en": "The quantity must be a number.", "zh": "数量必须是数字。"},
    "quantity.not_whole": {"en": "The quantity must be a whole number.", "zh": "数量必须是整数。"},
    "quantity.negative": {"en": "The quantity cannot be negative.", "zh": "数量不能为负数。"},
    "quantity.not_positive": {"en": "The quantity must be at least 1.", "zh": "数量至少为 1。"},
    "quantity.too_large": {"en": "The quantity cannot be more than {max}.", "zh": "数量不能超过 {max}。"},
    "date.required": {"en": "Enter a date.", "zh": "请输入日期。"},
    "date.invalid": {"en": "Enter the date as YYYY-MM-DD.", "zh": "请按 YYYY-MM-DD 格式输入日期。"},
    "date.in_past": {
        "en": "The date cannot be in the past (today is {today}).",
        "zh": "日期不能早于今天（{today}）。",
    },
    "price.required": {"en": "Enter a price.", "zh": "请输入价格。"},
    "price.invalid": {"en": "The price must be a number.", "zh": "价格必须是数字。"},
    "price.not_positive": {"en": "The price must be more than 0.", "zh": "价格必须大于 0。"},
    "price.too_precise": {"en": "The price can have at most 2 decimals.", "zh": "价格最多保留两位小数。"},
    "price.too_large": {"en": "The price is too large.", "zh": "价格过大。"},
    "currency.invalid": {
        "en": "Enter a 3-letter currency code such as CNY.",
        "zh": "请输入三位货币代码，例如 CNY。",
    },
    "text.required": {"en": "This field is required.", "zh": "此项为必填。"},
    "text.too_long": {"en": "At most {max} characters.", "zh": "最多 {max} 个字符。"},
    "lot.required": {"en": "Enter the lot or batch number.", "zh": "请输入批次号。"},
    "lot.invalid": {
        "en": "A lot number has at most 60 letters, digits and . _ / - (no spaces).",
        "zh": "批次号最多 60 个字符，仅限字母、数字及 . _ / -（不含空格）。",
    },
    "lot.not_found": {
        "en": "Nothing you may see carries lot {lot}.",
        "zh": "在您可查看的记录中没有批次 {lot}。",
    },
    "id.invalid": {"en": "That reference is not valid.", "zh": "该编号无效。"},
    "supplier.not_found": {"en": "Supplier not found.", "zh": "未找到该供应商。"},
    "supplier.required": {"en": "Choose a supplier.", "zh": "请选择供应商。"},
    "purchase.not_found": {"en": "Purchase order not found.", "zh": "未找到该采购订单。"},
    "purchase.line_not_found": {"en": "Order line not found.", "zh": "未找到该订单行。"},
    "purchase.notice_not_found": {"en": "Shipping notice not found.", "zh": "未找到该发货通知。"},
    "purchase.receipt_not_found": {"en": "Goods receipt not found.", "zh": "未找到该收货单。"},
    "purchase.lines_required": {"en": "Add at least one line.", "zh": "请至少添加一行。"},
    "purchase.too_many_lines": {
        "en": "An order can have at most {max} lines.",
        "zh": "一张订单最多 {max} 行。",
    },
    "purchase.line_invalid": {"en": "This line is not valid.", "zh": "该行无效。"},
    "purchase.part_required": {"en": "Choose a part.", "zh": "请选择零件。"},
    "purchase.part_unknown": {"en": "Unknown part.", "zh": "未知零件。"},
    "purchase.part_not_supplied": {
        "en": "{sku} is not supplied by {supplier}.",
        "zh": "{sku} 不由 {supplier} 供应。",
    },
    "purchase.ship_to_invalid": {
        "en": "Choose one of your company's warehouses.",
        "zh": "请选择本公司的仓库。",
    },
    "purchase.supplier_blocked": {
        "en": "{supplier} is blocked and cannot receive new purchase orders ({reason}).",
        "zh": "{supplier} 已被冻结，不能接收新的采购订单（{reason}）。",
    },
    "purchase.supplier_poor": {
        "en": "Warning: {supplier} is in Poor standing (score {score}). The order was issued.",
        "zh": "警告：{supplier} 评级为“差”（得分 {score}）。订单已下达。",
    },
    "purchase.answers_required": {"en": "Answer at least one line.", "zh": "请至少答复一行。"},
    "purchase.answer_invalid": {"en": "This answer is not valid.", "zh": "该答复无效。"},
    "purchase.action_invalid": {
        "en": "Choose acknowledge, reject or propose.",
        "zh": "请选择确认、拒绝或提议变更。",
    },
    "purchase.line_answered_twice": {"en": "Each line can be answered once.", "zh": "每行只能答复一次。"},
    "purchase.line_not_open": {"en": "Line {line} has already been answered.", "zh": "第 {line} 行已答复。"},
    "purchase.not_awaiting_answer": {
        "en": "This order is no longer waiting for an answer.",
        "zh": "该订单已不再等待答复。",
    },
    "purchase.proposal_unchanged": {
        "en": "Propose a different quantity or date.",
        "zh": "请提议不同的数量或日期。",
    },
    "purchase.no_proposal": {"en": "This line has no proposal to decide.", "zh": "该行没有待决定的提议。"},
    "purchase.illegal_transition": {
        "en": "An order that is {current} cannot become {target}.",
        "zh": "状态为 {current} 的订单不能变为 {target}。",
    },
    "purchase.line_illegal_transition": {
        "en": "A line that is {current} cannot become {target}.",
        "zh": "状态为 {current} 的订单行不能变为 {target}。",
    },
    "purchase.not_shippable": {
        "en": "Only acknowledged orders can be shipped (this one is {current}).",
        "zh": "只有已确认的订单才能发货（当前为 {current}）。",
    },
    "purchase.line_not_acknowledged": {
        "en": "Line {line} is not acknowledged.",
        "zh": "第 {line} 行尚未确认。",
    },
    "purchase.ship_more_than_open": {
        "en": "Line {line}: only {open} are still open to ship.",
        "zh": "第 {line} 行：仅剩 {open} 件可发货。",
    },
    "purchase.not_receivable": {
        "en": "Nothing on this order is waiting to be received (it is {current}).",
        "zh": "该订单没有待收货的物品（当前为 {current}）。",
    },
    "purchase.receive_nothing": {
        "en": "Enter an accepted or rejected quantity.",
        "zh": "请输入合格或拒收数量。",
    },
    "purchase.receive_more_than_shipped": {
        "en": "Lot {lot}: only {open} are still to be received.",
        "zh": "批次 {lot}：仅剩 {open} 件待收货。",
    },
    "purchase.status.issued": {"en": "Issued", "zh": "已下达"},
    "purchase.status.acknowledged": {"en": "Acknowledged", "zh": "已确认"},
    "purchase.status.partly_shipped": {"en": "Partly shipped", "zh": "部分发货"},
    "purchase.status.shipped": {"en": "Shipped", "zh": "已发货"},
    "purchase.status.partly_received": {"en": "Partly received", "zh": "部分收货"},
    "purchase.status.received": {"en": "Received", "zh": "已收货"},
    "purchase.status.closed": {"en": "Closed", "zh": "已关闭"},
    "purchase.status.cancelled": {"en": "Cancelled", "zh": "已取消"},
    "purchase.line_status.open": {"en": "Waiting for answer", "zh": "待答复"},
    "purchase.line_status.proposed": {"en": "Change proposed", "zh": "已提议变更"},
    "purchase.line_status.acknowledged": {"en": "Acknowledged", "zh": "已确认"},
    "purchase.line_status.rejected": {"en": "Rejected", "zh": "已拒绝"},
    "purchase.line_status.cancelled": {"en": "Cancelled", "zh": "已取消"},
    "purchase.event.issued": {"en": "Order issued", "zh": "订单已下达"},
    "purchase.event.line_acknowledged": {"en": "Line acknowledged", "zh": "订单行已确认"},
    "purchase.event.line_rejected": {"en": "Line rejected", "zh": "订单行被拒绝"},
    "purchase.event.line_proposed": {"en": "Change proposed", "zh": "提议变更"},
    "purchase.event.proposal_accepted": {"en": "Proposal accepted", "zh": "提议已接受"},
    "purchase.event.proposal_declined": {"en": "Proposal declined", "zh": "提议被拒绝"},
    "purchase.event.status_changed": {"en": "Status changed", "zh": "状态变更"},
    "purchase.event.asn_created": {"en": "Shipping notice sent", "zh": "已发送发货通知"},
    "purchase.event.goods_received": {"en": "Goods received", "zh": "已收货"},
    "incident.not_found": {"en": "Quality incident not found.", "zh": "未找到该质量问题。"},
    "incident.part_required": {"en": "Choose a part.", "zh": "请选择零件。"},
    "incident.part_unknown": {"en": "Unknown part.", "zh": "未知零件。"},
    "incident.illegal_transition": {
        "en": "An incident that is {current} cannot become {target}.",
        "zh": "状态为 {current} 的质量问题不能变为 {target}。",
    },
    "incident.not_in_analysis": {
        "en": "Acknowledge the incident first (it is {current}).",
        "zh": "请先确认该质量问题（当前为 {current}）。",
    },
    "incident.containment_required": {"en": "Give the containment action first.", "zh": "请先填写遏制措施。"},
    "incident.root_cause_required": {"en": "Give the root cause first.", "zh": "请先填写根本原因。"},
    "incident.status.open": {"en": "Open", "zh": "待处理"},
    "incident.status.acknowledged": {"en": "Acknowledged", "zh": "已确认"},
    "incident.status.resolved": {"en": "Resolved, awaiting acceptance", "zh": "已解决，待验收"},
    "incident.status.closed": {"en": "Closed", "zh": "已关闭"},
    "incident.status.reopened": {"en": "Reopened", "zh": "已重新打开"},
    "incident.source.receipt_reject": {"en": "Rejected at receipt", "zh": "收货拒收"},
    "incident.source.field_complaint": {"en": "Field complaint", "zh": "市场投诉"},
    "inventory.no_plant": {
        "en": "Your company has no plant to hold stock.",
        "zh": "贵司没有可存放库存的工厂。",
    },
    "inventory.plant_not_found": {"en": "Plant not found.", "zh": "未找到该工厂。"},
    "inventory.file_required": {"en": "Choose a CSV file.", "zh": "请选择 CSV 文件。"},
    "inventory.file_too_large": {
        "en": "The file is larger than {max_mb} MB.",
        "zh": "文件超过 {max_mb} MB。",
    },
    "inventory.file_empty": {"en": "The file is empty.", "zh": "文件为空。"},
    "inventory.file_not_utf8": {
        "en": "The file is not UTF-8 text. Save it as CSV UTF-8 and try again.",
        "zh": "文件不是 UTF-8 文本，请另存为 CSV UTF-8 后重试。",
    },
    "inventory.file_not_csv": {
        "en": "The file is not a readable CSV file.",
        "zh": "文件不是可读取的 CSV 文件。",
    },
    "inventory.columns_missing": {
        "en": "Missing column(s): {missing}. The first row must be: {expected}",
        "zh": "缺少列：{missing}。第一行应为：{expected}",
    },
    "inventory.columns_duplicate": {
        "en": "A column appears twice in the first row.",
        "zh": "第一行中有重复的列。",
    },
    "inventory.file_no_rows": {
        "en": "The file has a header but no rows.",
        "zh": "文件只有表头，没有数据行。",
    },
    "inventory.too_many_rows": {"en": "At most {max} rows per upload.", "zh": "每次上传最多 {max} 行。"},
    "inventory.no_valid_rows": {
        "en": "No row can be applied ({errors} with errors); nothing was changed.",
        "zh": "没有可导入的行（{errors} 行有错误），未做任何更改。",
    },
    "inventory.items_required": {"en": "Send at least one item.", "zh": "请至少提交一项。"},
    "inventory.items_invalid": {
        "en": "{count} item(s) are not valid; nothing was changed.",
        "zh": "{count} 项无效，未做任何更改。",
    },
    "inventory.item_invalid": {
        "en": "Each item needs a sku and an available quantity.",
        "zh": "每项都需要 sku 和可用数量。",
    },
    "inventory.sku_required": {"en": "The SKU is missing.", "zh": "缺少 SKU。"},
    "inventory.sku_unknown": {"en": "Unknown SKU {sku}.", "zh": "未知 SKU {sku}。"},
    "inventory.sku_not_yours": {"en": "{sku} is not one of your parts.", "zh": "{sku} 不是贵司的零件。"},
    "inventory.sku_duplicate": {
        "en": "{sku} already appears on row {first_row}.",
        "zh": "{sku} 已在第 {first_row} 行出现。",
    },
    "inventory.available_required": {"en": "The available quantity is missing.", "zh": "缺少可用数量。"},
    "inventory.available_not_number": {
        "en": "The available quantity must be a number.",
        "zh": "可用数量必须是数字。",
    },
    "inventory.available_not_whole": {
        "en": "The available quantity must be a whole number.",
        "zh": "可用数量必须是整数。",
    },
    "inventory.available_negative": {
        "en": "The available quantity cannot be negative.",
        "zh": "可用数量不能为负数。",
    },
    "inventory.available_too_large": {"en": "The available quantity is too large.", "zh": "可用数量过大。"},
    "inventory.below_reserved": {
        "en": "{reserved} units of {sku} are reserved; available cannot be lower.",
        "zh": "{sku} 已预留 {reserved} 件，可用数量不能低于此数。",
    },
    "scorecard.period_invalid": {"en": "Choose a month (YYYY-MM).", "zh": "请选择月份（YYYY-MM）。"},
    "scorecard.period_kind_invalid": {
        "en": "Choose month or rolling 12 months.",
        "zh": "请选择按月或滚动 12 个月。",
    },
    "scorecard.period_order": {
        "en": "The first month must not be after the last.",
        "zh": "起始月份不能晚于结束月份。",
    },
    "scorecard.period_too_long": {"en": "At most {max} months at once.", "zh": "一次最多 {max} 个月。"},
    "scorecard.criterion_invalid": {"en": "Unknown criterion.", "zh": "未知指标。"},
    "scorecard.standing_invalid": {"en": "Unknown standing.", "zh": "未知评级。"},
    "scorecard.weights_criteria": {
        "en": "Give a weight for each criterion: {criteria}.",
        "zh": "请为每项指标设置权重：{criteria}。",
    },
    "scorecard.weights_sum": {
        "en": "The weights must add up to 100 (they add up to {total}).",
        "zh": "权重之和必须为 100（当前为 {total}）。",
    },
    "scorecard.bands_invalid": {"en": "The standing bands are not valid.", "zh": "评级区间无效。"},
    "scorecard.bands_order": {
        "en": "The bands must rise: Watch <= Good <= Excellent.",
        "zh": "评级下限须递增：观察 <= 良好 <= 优秀。",
    },
    "scorecard.limit_invalid": {"en": "Enter a positive number.", "zh": "请输入正数。"},
    "scorecard.limits_order": {"en": "This limit must be above the target.", "zh": "该上限必须高于目标值。"},
    "scorecard.criterion.on_time": {"en": "On-time delivery", "zh": "准时交付"},
    "scorecard.criterion.fill_rate": {"en": "Fill rate", "zh": "满足率"},
    "scorecard.criterion.quality": {"en": "Quality (ppm)", "zh": "质量（PPM）"},
    "scorecard.criterion.response": {"en": "Incident response", "zh": "质量问题响应"},
    "scorecard.criterion.cost": {"en": "Cost", "zh": "成本"},
    "scorecard.formula.on_time": {
        "en": "Lines fully received by their promised date, out of the lines due.",
        "zh": "在承诺日期前全部到货的订单行占到期订单行的比例。",
    },
    "scorecard.formula.fill_rate": {
        "en": "Accepted units out of ordered units of the lines due.",
        "zh": "到期订单行的合格入库数量占订购数量的比例。",
    },
    "scorecard.formula.quality": {
        "en": "Rejected parts per million received; {ppm_zero} ppm or more scores 0.",
        "zh": "每百万收货件中的拒收件数；达到 {ppm_zero} PPM 时得 0 分。",
    },
    "scorecard.formula.response": {
        "en": (
            "Mean hours from opening to acknowledgement; {response_target_hours} h or less scores 100, "
            "{response_limit_hours} h or more scores 0."
        ),
        "zh": (
            "从问题创建到确认的平均小时数；不超过 {response_target_hours} 小时得 100 分，达到 {response_lim"
            "it_hours} 小时得 0 分。"
        ),
    },
    "scorecard.formula.cost": {
        "en": (
            "Price paid against the part's list price, weighted by quantity; {cost_floor} or less scores "
            "100, {cost_ceiling} or more scores 0."
        ),
        "zh": (
            "按数量加权的采购价与零件目录价之比；不超过 {cost_floor} 得 100 分，达到 {cost_ceiling} 得 0 分"
            "。"
        ),
    },
    "scorecard.standing.excellent": {"en": "Excellent", "zh": "优秀"},
    "scorecard.standing.good": {"en": "Good", "zh": "良好"},
    "scorecard.standing.watch": {"en": "Watch", "zh": "观察"},
    "scorecard.standing.poor": {"en": "Poor", "zh": "差"},
    "scorecard.standing.none": {"en": "Not scored yet", "zh": "暂无评分"},
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
