"""The demo corpus: people, places and conversations (pure data, no Django).

Conversation templates are ``str.format`` strings; the loader fills them from
one dict per ticket (see ``loader._context``), so every placeholder used below
must be a key there: title, agent, order, product, courier, tracking, amount,
diff (a price difference), days, points, invoice_title, city.
"""

from __future__ import annotations

from dataclasses import dataclass

# (character, pinyin): the pinyin builds realistic email addresses.
SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("林", "lin"), ("罗", "luo"), ("高", "gao"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("田", "tian"), ("董", "dong"), ("潘", "pan"),
    ("袁", "yuan"), ("蔡", "cai"), ("蒋", "jiang"), ("叶", "ye"), ("苏", "su"),
]
GIVEN_FEMALE = [
    ("婷", "ting"), ("静", "jing"), ("丽娟", "lijuan"), ("敏", "min"), ("芳", "fang"),
    ("娜", "na"), ("秀英", "xiuying"), ("雪", "xue"), ("慧敏", "huimin"), ("思雨", "siyu"),
    ("梓涵", "zihan"), ("雨桐", "yutong"), ("欣怡", "xinyi"), ("佳怡", "jiayi"),
    ("晓燕", "xiaoyan"), ("丹", "dan"), ("玉兰", "yulan"), ("海燕", "haiyan"),
    ("诗涵", "shihan"), ("可馨", "kexin"),
]
GIVEN_MALE = [
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"),
    ("浩然", "haoran"), ("宇轩", "yuxuan"), ("子轩", "zixuan"), ("俊杰", "junjie"),
    ("志强", "zhiqiang"), ("建华", "jianhua"), ("国庆", "guoqing"), ("文博", "wenbo"),
    ("一鸣", "yiming"), ("晨阳", "chenyang"),
]

EMAIL_DOMAINS = ["example.com", "example.cn", "example.net", "example.org"]

# Mainland mobile prefixes; prefix + 8 digits is a valid number for phonenumbers.
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "176", "177", "180", "181",
    "182", "183", "185", "186", "187", "188", "189", "198", "199",
]

CITIES = [
    "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆",
    "苏州", "天津", "长沙", "郑州", "青岛", "厦门", "宁波", "合肥", "昆明", "大连",
]

OCCUPATIONS = [
    "软件工程师", "中学教师", "医生", "平面设计师", "会计", "销售经理", "律师", "公务员",
    "护士", "自由职业者", "大学生", "产品经理", "餐厅店主", "摄影师", "财务总监",
    "外贸专员", "建筑师", "记者", "健身教练", "全职妈妈",
]

INTERESTS = [
    "跑步", "烘焙", "摄影", "旅行", "咖啡", "数码", "育儿", "健身", "阅读", "宠物",
    "露营", "茶艺", "瑜伽", "钓鱼", "手账",
]
CONTACT_CHANNELS = ["wechat", "phone", "email"]
CONTACT_TIMES = ["工作日 9:00-12:00", "工作日 14:00-18:00", "晚上 19:00 以后", "周末全天"]

CUSTOMER_NOTES = {
    "platinum": [
        "核心客户，由 VIP 专席固定跟进；生日前一周寄送会员礼盒。",
        "年消费超过 5 万元，偏好电话沟通，回复需在 1 小时内。",
    ],
    "gold": [
        "多次参与新品试用，反馈详细，可邀请加入用户共创群。",
        "对物流时效敏感，发货后请主动告知单号。",
    ],
    "silver": ["习惯晚间在线咨询。", "曾因发票事项来电，已处理完毕。"],
    "standard": ["", "", "首次购买客户。"],
}
CUSTOMER_TAGS = {
    "platinum": ["高价值", "老客户"],
    "gold": ["老客户"],
    "silver": [],
    "standard": [],
}

# (name, domain, tier, notes)
ORGANISATIONS = [
    ("华信科技有限公司", "huaxin.example.cn", "gold", "企业采购客户，统一开具增值税专用发票。"),
    ("蓝海贸易有限公司", "lanhai.example.com", "silver", "季度集中采购，联系人变动较频繁。"),
    ("云途物流股份有限公司", "yuntu.example.cn", "platinum", "战略合作伙伴，专属客户经理对接。"),
    ("青禾餐饮管理有限公司", "qinghe.example.net", "standard", "连锁门店，设备报修较多。"),
]

# name, skills
TEAMS = [
    ("售前咨询", ["产品咨询", "价格", "活动", "账号"]),
    ("售后服务", ["退款", "物流", "质量", "发票", "售后"]),
    ("VIP 专席", ["投诉", "会员", "退款", "质量"]),
]

# username, display name, email local part, team, is lead, skills, capacity, availability
AGENTS = [
    ("wangxiaoting", "王晓婷", "xiaoting.wang", "售前咨询", True, ["产品咨询", "活动"], 25, "online"),
    ("zhoujie", "周杰", "jie.zhou", "售前咨询", False, ["产品咨询", "价格"], 30, "online"),
    ("linyutong", "林雨桐", "yutong.lin", "售前咨询", False, ["账号", "活动"], 30, "away"),
    ("liming", "李明", "ming.li", "售后服务", True, ["退款", "质量"], 20, "online"),
    ("chenjing", "陈静", "jing.chen", "售后服务", False, ["物流", "发票"], 35, "online"),
    ("zhaolei", "赵磊", "lei.zhao", "售后服务", False, ["售后", "质量"], 30, "offline"),
    ("sunhuimin", "孙慧敏", "huimin.sun", "VIP 专席", True, ["投诉", "会员"], 15, "online"),
    ("guohaoran", "郭浩然", "haoran.guo", "VIP 专席", False, ["会员", "退款"], 20, "away"),
]
AGENT_EMAIL_DOMAIN = "kefu.example.com"

PRODUCTS = [
    ("无线降噪耳机 Pro", 1299), ("智能手表 S3", 1899), ("空气净化器 X5", 2499),
    ("扫地机器人 T8", 3299), ("胶囊咖啡机 Mini", 899), ("声波电动牙刷", 399),
    ("真空保温杯", 159), ("真丝睡衣套装", 688), ("轻薄羽绒服", 799),
    ("儿童安全座椅", 1580), ("蓝牙音箱 Go", 459), ("电动自行车头盔", 239),
]
COURIERS = [("顺丰速运", "SF"), ("京东物流", "JDV"), ("中通快递", "ZTO"), ("圆通速递", "YT"),
            ("韵达快递", "YD"), ("中国邮政 EMS", "EMS")]
SOCIAL_PLATFORMS = ["微博", "抖音", "小红书", "微信公众号"]
WEB_PAGES = ["/help/contact", "/help/refund", "/orders/detail", "/member/center"]


@dataclass(frozen=True)
class Topic:
    """One kind of request and the lines each side typically says about it."""

    tag: str
    team: str
    types: tuple[str, ...]
    # (subject, the customer's first message, the agent's resolving reply)
    cases: tuple[tuple[str, str, str], ...]
    replies: tuple[str, ...]              # the agent's first response
    asks: tuple[tuple[str, str], ...]     # (agent asks and waits, the customer's answer)
    notes: tuple[str, ...]                # internal notes between agents
    holds: tuple[str, ...]                # internal note when a third party must act


TOPICS = [
    Topic(
        tag="退款", team="售后服务", types=("task", "question"),
        cases=(
            ("退款一周了还没到账",
             "你好，我在{days}天前申请了{product}的退款，订单号 {order}，到现在还没收到钱，想问一下进度。",
             "{title}，已为您加急处理，退款 {amount} 元已提交成功，24 小时内原路退回，到账后会有短信通知。另为您赠送 {points} 积分表示歉意。"),
            ("申请退款：{product}",
             "订单 {order} 的{product}不想要了，还没拆封，请帮我办理退款，金额 {amount} 元。",
             "{title}，退款申请已通过，快递员明天上门取件，仓库签收后 24 小时内退款 {amount} 元原路退回。"),
            ("退货已签收，退款什么时候到",
             "退货已经寄回去了，快递显示仓库签收了，订单 {order} 的退款什么时候能到账？",
             "{title}，仓库已确认收货，退款 {amount} 元已原路退回，预计 1-3 个工作日到账，请留意银行短信。"),
        ),
        replies=(
            "{title}您好，我是客服{agent}。您的意思是订单 {order} 的退款还没有处理完，对吗？我这边马上为您查询。",
            "{title}您好，已收到您的退款申请。我先核对一下订单 {order} 的信息，10 分钟内给您答复。",
        ),
        asks=(
            ("{title}，为了尽快为您办理，请提供一下退货快递单号或签收截图，收到后我会在 2 小时内为您提交退款。",
             "好的，单号是 {courier} {tracking}，麻烦尽快。"),
            ("{title}，请您确认一下退款是原路退回还是退到账户余额？确认后我立即为您提交。",
             "原路退回就可以，谢谢。"),
        ),
        notes=("已核实订单状态，退款单已提交财务。", "客户第二次询问，情绪有些着急，请优先处理。"),
        holds=("已联系财务核对退款流水，等待财务回复。", "退款被支付渠道退回，已提交支付平台核查。"),
    ),
    Topic(
        tag="物流", team="售后服务", types=("question", "incident"),
        cases=(
            ("订单 {order} 还没有发货",
             "我的订单 {order} 三天了还没发货，着急用，能帮忙催一下吗？",
             "{title}，您的订单已从{city}仓加急发出，{courier}单号 {tracking}，预计明天送达。给您带来不便，为您补偿 {points} 积分。"),
            ("物流三天没有更新",
             "{courier}的单号 {tracking}，物流信息三天没有更新了，包裹是不是丢了？",
             "{title}，经核实包裹在中转时滞留，已为您重新发货（次日达），新单号 {tracking}，请注意查收。"),
            ("快递显示签收但没收到",
             "快递显示已经签收了，但我家里和快递柜都没有，{product}到底去哪了？",
             "{title}，已和快递站点核实，包裹被误投到隔壁驿站，快递员今天 18:00 前送到您家门口。"),
        ),
        replies=(
            "{title}您好，我是{agent}。非常理解您着急的心情，我马上联系{courier}核实包裹位置。",
            "{title}您好，您的订单 {order} 我已经查到了，正在帮您联系仓库和快递确认进度。",
        ),
        asks=(
            ("{title}，请您确认一下收货地址和电话是否正确？我这边同步联系快递站点。",
             "地址和电话都没错。"),
            ("{title}，请您先问一下家人、物业或门卫是否代收，我这边同时向快递公司发起核查。",
             "问过了，物业说没有代收，怎么办？"),
        ),
        notes=("已向快递公司提交催件工单，站点反馈今天下午处理。", "仓库缺货，已从{city}仓调货。"),
        holds=("已向{courier}发起包裹核查，等待快递公司 48 小时内回复。", "等待仓库补货后发出，预计 2 天。"),
    ),
    Topic(
        tag="质量", team="售后服务", types=("problem", "incident"),
        cases=(
            ("{product}用了一周就坏了",
             "买的{product}用了一周就充不进电了，这质量也太差了吧。",
             "{title}，已为您安排优先换新，新的{product}今天发出，旧机无需先寄回，并为您延长 6 个月保修。"),
            ("收到的{product}有划痕",
             "刚收到的{product}外壳有明显划痕，是新品吗？",
             "{title}，经核实是运输中的磕碰，已为您免费换新，新品单号 {tracking}，旧件快递员上门取回。"),
            ("{product}无法开机",
             "{product}昨天还好好的，今天突然无法开机，试了说明书上的方法都不行。",
             "{title}，检测结果为电池模块故障，已免费为您更换并寄回，单号 {tracking}，预计 2 天送达。"),
        ),
        replies=(
            "{title}您好，我是{agent}，非常抱歉给您带来不好的体验，我这边马上为您安排处理。",
            "{title}您好，看到您的反馈我们非常重视。如果我理解正确的话，{product}目前无法正常使用，对吗？",
        ),
        asks=(
            ("{title}，请您拍一张{product}的照片或一段视频发给我们，方便技术同事判断情况，收到后 2 小时内给您方案。",
             "照片已经发过去了，请查收。"),
            ("{title}，请提供一下设备背面的序列号，我为您查询保修信息。",
             "序列号是 SN{tracking}。"),
        ),
        notes=("同批次已有 3 起类似反馈，已同步质检部门。", "在保修期内，可直接换新，无需检测。"),
        holds=("已寄回检测，等待售后中心检测报告（3 个工作日）。", "已提交厂家技术支持，等待回复。"),
    ),
    Topic(
        tag="账号", team="售前咨询", types=("incident", "question"),
        cases=(
            ("账号登录不上",
             "我的账号一直提示密码错误，重置密码也收不到验证码，怎么办？",
             "{title}，已在后台为您重置密码，临时密码已通过短信发送，登录后请尽快修改。"),
            ("手机号换了，怎么改绑",
             "原来的手机号已经停用了，想把账号改绑到新手机号。",
             "{title}，已为您完成改绑，新手机号现在可以直接登录。建议您登录后修改一次密码。"),
            ("收不到验证码",
             "登录时验证码一直收不到，已经试了好多次了。",
             "{title}，短信通道已恢复，请您再试一次获取验证码；也可以选择语音验证码。"),
        ),
        replies=(
            "{title}您好，我是{agent}。您是说现在无法正常登录，对吗？我先帮您查看一下账号状态。",
            "{title}您好，这个可以办理的，我来一步步协助您。",
        ),
        asks=(
            ("{title}，为了保障账号安全，请提供一下最近一笔订单号和收货人姓名，核实后为您处理。",
             "订单号是 {order}，收货人是我本人。"),
            ("{title}，请确认手机是否开启了短信拦截，或者方便的话换成语音验证码试一试？",
             "拦截已经关了，语音验证码也没收到。"),
        ),
        notes=("短信通道当日有延迟，已切换备用通道。", "已完成身份核验，可以办理。"),
        holds=("已提交安全中心人工审核，等待结果。",),
    ),
    Topic(
        tag="发票", team="售后服务", types=("task",),
        cases=(
            ("申请开具增值税专用发票",
             "订单 {order} 需要开增值税专用发票，抬头是{invoice_title}，税号稍后发给你。",
             "{title}，专票已开具，通过{courier}寄出，单号 {tracking}；电子版也已发送到您的邮箱。"),
            ("发票抬头开错了",
             "发票抬头开成了个人，我需要的是公司抬头{invoice_title}，能重开吗？",
             "{title}，原发票已作废并为您重开，抬头：{invoice_title}，电子版已发送到您的邮箱。"),
            ("订单 {order} 的电子发票在哪里下载",
             "订单 {order} 的电子发票在哪里可以下载？找了半天没找到。",
             "{title}，电子发票可以在“我的订单-订单详情-发票”中下载，我也已经发送到您的邮箱，请查收。"),
        ),
        replies=(
            "{title}您好，我是{agent}，发票可以为您办理，我先确认一下订单 {order} 的信息。",
            "{title}您好，收到您的开票需求，我马上为您处理。",
        ),
        asks=(
            ("{title}，请提供完整的开票信息：公司名称、税号、地址电话、开户行及账号，收到后当天为您开出。",
             "开票信息已经补充好了，请查收。"),
            ("{title}，请确认接收发票的邮箱地址，我为您发送。", "邮箱就是我注册用的这个。"),
        ),
        notes=("已提交财务开票，专票需要 2 个工作日。", "客户为企业客户，开票信息已存档。"),
        holds=("等待财务系统月结后开具专票。",),
    ),
    Topic(
        tag="售后", team="售后服务", types=("task", "problem"),
        cases=(
            ("{product}申请上门维修",
             "{product}需要维修，能上门吗？我在{city}。",
             "{title}，已为您预约明天下午上门，工程师会提前 30 分钟电话联系您，保修期内维修全程免费。"),
            ("{product}换货申请",
             "收到的{product}尺码/型号不合适，想换一个。",
             "{title}，换货单已创建，新商品今天发出，单号 {tracking}，旧商品快递员上门取件时一并带走。"),
            ("保修期内维修怎么收费",
             "{product}还在保修期内，维修要收费吗？",
             "{title}，您的{product}在保修期内，维修和往返运费都由我们承担，已为您生成免费寄修单。"),
        ),
        replies=(
            "{title}您好，我是{agent}，这个可以为您安排，我先核对一下订单 {order}。",
            "{title}您好，收到您的售后申请，我马上为您处理。",
        ),
        asks=(
            ("{title}，请问您方便的上门/取件时间是哪天？上午还是下午？", "明天下午 2 点以后都可以。"),
            ("{title}，请确认一下收货地址是否不变？", "地址不变。"),
        ),
        notes=("已预约{city}服务网点，工程师明天联系客户。", "换货库存充足，可直接发出。"),
        holds=("等待服务网点排期确认。",),
    ),
    Topic(
        tag="投诉", team="VIP 专席", types=("complaint",),
        cases=(
            ("投诉：客服态度差",
             "上次打电话，客服态度非常差，说话很不耐烦，我要投诉！",
             "{title}，已调取录音核实，确实是我们的服务不到位，相关同事已安排复训。为表歉意已为您补发 {points} 积分和一张 50 元无门槛券，今后由我作为您的专属客服跟进。"),
            ("投诉：承诺的补偿一直没兑现",
             "你们上次答应给我补偿 {points} 积分，到现在都没到账，说话算不算数？",
             "{title}，{points} 积分已为您补发到账，并额外赠送一张 50 元无门槛券。承诺没有按时兑现是我们的失误，再次向您致歉。"),
            ("对处理结果非常不满意",
             "这已经是第三次联系你们了，每次都让我等，到底有没有人管？",
             "{title}，您反馈的事项已全部处理完毕，后续由我一对一跟进，48 小时内我会再回访确认。感谢您的监督。"),
        ),
        replies=(
            "{title}您好，我是客服主管{agent}。非常抱歉让您有这样的感受，您的反馈我已经完整记录，我会亲自跟进到底。",
            "{title}您好，给您带来不好的体验，我们真诚地向您道歉。我先把您遇到的情况复述一下，请您确认是否准确。",
        ),
        asks=(
            ("{title}，为了核实当时的情况，请问您来电的大概时间是哪天？我会调取通话录音。",
             "大概是上周三下午。我要的是一个说法，不是一句抱歉。"),
            ("{title}，请问您希望我们如何处理？我们会尽最大努力满足您的诉求。",
             "好吧，那就按你说的办，希望这次别再拖了。"),
        ),
        notes=(
            "客户情绪激动，先安抚再给方案；权限内可直接补偿 {points} 积分 + 优惠券。",
            "已调取录音，确认服务用语不规范，已安排相关同事复训。",
        ),
        holds=("补偿方案超出一线权限，已提交经理审批。",),
    ),
    Topic(
        tag="会员", team="VIP 专席", types=("question",),
        cases=(
            ("会员积分没有到账",
             "上个月消费了 {amount} 元，积分一直没到账。",
             "{title}，{points} 积分已为您补录到账，会员等级已同步更新。"),
            ("会员等级什么时候升级",
             "我消费已经满一年了，会员等级怎么还没升级？",
             "{title}，您的会员等级已升级，专属权益今天起生效，包括优先客服和免费退换。"),
            ("会员生日礼怎么领取",
             "这个月我生日，会员生日礼在哪里领？",
             "{title}，祝您生日快乐！生日礼盒已为您寄出，单号 {tracking}，另有双倍积分券已发放到您的账户。"),
        ),
        replies=(
            "{title}您好，我是您的专属客服{agent}，我马上为您查询会员账户。",
            "{title}您好，非常感谢您一直以来的支持，我来为您查看会员权益。",
        ),
        asks=(("{title}，请提供一下相关的订单号，我为您核对。", "订单号是 {order}。"),),
        notes=("积分同步任务有延迟，已手动补录。", "客户是老会员，可额外赠送礼品。"),
        holds=("已提交会员系统补录，等待夜间同步。",),
    ),
    Topic(
        tag="产品咨询", team="售前咨询", types=("question",),
        cases=(
            ("{product}和上一代有什么区别",
             "想了解一下{product}和上一代有什么区别，值得升级吗？",
             "{title}，对比说明已发到您的邮箱：续航提升 30%、更轻更安静。现在下单可参加以旧换新，最高抵扣 200 元。"),
            ("{product}适合送长辈吗",
             "想给爸妈买{product}，操作会不会太复杂？",
             "{title}，{product}有长辈模式，一键操作；我们还提供视频使用指导，收货后可预约一对一讲解。"),
            ("{product}有没有现货",
             "{product}现在有现货吗？下单后多久能发？",
             "{title}，{product}目前有现货，今天 16:00 前下单当天发出，{city}地区一般次日达。"),
        ),
        replies=(
            "{title}您好，我是{agent}，很高兴为您介绍{product}。",
            "{title}您好，感谢您关注{product}，我来为您详细说明。",
        ),
        asks=(("{title}，请问您主要在什么场景使用？我根据您的需求推荐最合适的型号。",
               "主要是通勤和出差用。"),),
        notes=("客户对价格敏感，可推荐以旧换新活动。",),
        holds=("等待产品经理确认新版本上市时间。",),
    ),
    Topic(
        tag="价格", team="售前咨询", types=("question", "complaint"),
        cases=(
            ("刚买的{product}就降价了",
             "我上周买的{product}，今天就降价了 {diff} 元，能退差价吗？",
             "{title}，价保申请已通过，差价 {diff} 元将在 24 小时内退回您的原支付账户。"),
            ("优惠券用不了",
             "满减优惠券在结算时用不了，提示不满足条件。",
             "{title}，这张券适用于自营商品，我已为您换发一张全场通用券，现在就可以使用。"),
            ("订单 {order} 能否申请价格保护",
             "听说你们有价格保护，我的订单 {order} 可以申请吗？",
             "{title}，您的订单在 15 天价保期内，已为您提交价保，差价 {diff} 元将退回原支付账户。"),
        ),
        replies=(
            "{title}您好，我是{agent}。您的意思是希望申请价格保护/使用优惠，对吗？我来为您查看。",
            "{title}您好，我帮您查看一下订单 {order} 和优惠规则。",
        ),
        asks=(("{title}，请提供一下订单号和页面截图，我为您提交申请。", "截图发过去了，订单号 {order}。"),),
        notes=("在价保期（15 天）内，可直接退差价。",),
        holds=("价保申请已提交，等待运营审核。",),
    ),
]

THANKS = (
    "好的，收到了，谢谢！",
    "问题解决了，谢谢你的耐心。",
    "非常满意，处理得很快，给你们点赞。",
    "好的，辛苦了。",
)
# A customer writing again on a solved ticket: it reopens.
REOPENS = (
    "不好意思，按你说的试了，还是不行，能再帮我看看吗？",
    "说好的时间已经过了，我这边还是没有收到。",
)
# The agent's answer to a reopen, resolving it again.
RESOLVE_AGAIN = "{title}，非常抱歉让您久等，已为您重新加急处理完毕，请您再确认一下，如仍有情况随时找我。"
# The agent's last line after the customer's thanks.
CLOSING_REPLY = "{title}，不客气，祝您生活愉快！后续有任何需要随时联系我们。"
# A customer chasing an unanswered ticket (anxious: repeats, asks for certainty).
CHASERS = ("请问有人在吗？", "麻烦尽快回复一下，比较着急。", "还在等你们的回复。")
CLOSE_NOTE = "工单已解决 {days} 天无新回复，系统自动关闭。"
PHONE_PREFIX = "【来电记录】客户原话："

# Canned replies: (title, body, team name or None for everyone).
MACROS = (
    ("问候 · 开场", "{{customer.name}}您好，我是{{agent.name}}，很高兴为您服务。请问有什么可以帮您？", None),
    ("结束语", "{{customer.name}}，感谢您的耐心等待，如还有其他需要，随时联系我们，祝您生活愉快！", None),
    ("安抚 · 先致歉", "{{customer.name}}，非常抱歉给您带来不好的体验，我完全理解您的心情。我会优先为您处理工单 #{{ticket.number}}，稍后给您准确答复。", None),
    ("索取订单号", "{{customer.name}}您好，为了尽快帮您查询，请提供一下订单号和下单手机号（可只提供后四位）。", None),
    ("退款 · 已提交", "{{customer.name}}您好，您的退款申请已提交，款项将在 1-3 个工作日内原路退回，请留意银行或支付账户通知。", "售后服务"),
    ("物流 · 催件", "{{customer.name}}您好，已为您联系快递公司加急处理，预计 24 小时内会有新的物流更新，我会持续跟进。", "售后服务"),
    ("发票 · 重开", "{{customer.name}}您好，发票重开申请已提交，新的电子发票会在 2 个工作日内发送到您的邮箱。", None),
    ("账号 · 重置密码", "{{customer.name}}您好，请在登录页点击“忘记密码”，按短信验证码重置即可；如收不到验证码，请告诉我您的注册手机号后四位。", None),
)

# How each team's queue hands out new tickets.
ROUTING = {"售前咨询": "round_robin", "售后服务": "least_loaded", "VIP 专席": "skills"}

# The inbound mailbox of the demo (kefu ingest-mail / kefu smtpd deliver to it).
MAILBOX = "support@demo.kefu.local"
MAILBOX_TEAM = "售后服务"

# Ticket categories for auto-triage (kefu.intel): (name, description, keywords, team).
# The demo's history is labelled with them (by its topic tag), so `kefu assist train`
# has something to learn from.
CATEGORIES = (
    ("退款", "申请退款、退款进度、退款金额不对", "退款,退钱,退货退款,钱没退,到账", "售后服务"),
    ("物流", "快递没到、物流不更新、配送地址修改", "快递,物流,发货,配送,没收到,单号", "售后服务"),
    ("质量", "商品坏了、有瑕疵、和描述不符", "质量,坏了,破损,瑕疵,故障,不能用", "售后服务"),
    ("账号", "登录不上、密码、手机号换绑、账号被封", "登录,密码,账号,验证码,换绑,注销", "售前咨询"),
    ("发票", "开发票、发票抬头、专票、发票寄送", "发票,抬头,税号,专票,普票", "售后服务"),
    ("售后", "保修、维修、换货、上门安装", "保修,维修,换货,安装,售后", "售后服务"),
    ("投诉", "对服务或处理结果不满，要求投诉升级", "投诉,差评,曝光,12315,态度差,经理", "VIP 专席"),
    ("会员", "会员等级、积分、权益、续费", "会员,积分,权益,续费,等级", "VIP 专席"),
    ("产品咨询", "购买前咨询功能、规格、库存", "有货,规格,参数,区别,推荐,怎么用", "售前咨询"),
    ("价格", "价格、优惠券、保价、促销活动", "价格,优惠券,保价,降价,活动,便宜", "售前咨询"),
)
# Product and domain words the tokeniser keeps whole.
DOMAIN_WORDS = ("小蓝盒", "极速退款", "保价", "以旧换新", "晨光会员", "顺丰到付")
