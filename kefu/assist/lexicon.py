"""Word lists with weights for the emotion, urgency and handoff rules.

Chinese first, English too. This is data plus ``PhraseMatcher``, the
longest-match lookup over it; the rules that use it live in ``emotion.py`` and
``urgency.py`` (``handoff.py`` has its own request patterns). Keys are matched
after ``tokenize.normalise`` (NFKC: full-width letters and digits become
half-width), Latin keys in lower case.

Weights
-------
* Emotion words: a magnitude (0.5 mild .. 3 very strong). The sign comes from
  the emotion: ``satisfied`` is positive, the four upset emotions negative.
  ``doubtful`` words are only mildly negative for polarity (x 0.5 in
  ``emotion.py``): doubt is not yet displeasure.
* ``POSITIVE`` / ``NEGATIVE``: plain polarity words with no service emotion of
  their own (``好``, ``差``); a message made only of these takes its emotion
  from its polarity.
* ``MASKS``: ordinary words that contain a sentiment character (``您好``,
  ``好像``, ``出差``, ``问题``). The matcher takes the longest word at each
  position, so listing them here stops ``好`` being read inside ``好像``.
* ``NEGATORS``: factor 1.0 flips a word (``不满意`` is not ``满意``); weak
  negators (``不太``, ``不是很``) give a milder flip.
* ``DEGREE``: multipliers for the word that follows (``非常`` 1.8, ``有点`` 0.6).

Words that carry their own negation (``不错``, ``没问题``, ``不靠谱``) are
listed whole so they are never split into negator + word.
"""

from __future__ import annotations

from dataclasses import dataclass

# fmt: off

# --- service emotions (Chinese) ------------------------------------------------

ANGRY_ZH: dict[str, float] = {
    "说人话": 2.0, "骗钱": 2.5, "骗我": 2.0, "骗子吧": 2.5, "你们好意思": 2.0, "还好意思": 2.0, "好意思吗": 2.0, "店大欺客": 2.5,
    "欺负": 2.0, "好欺负": 2.5, "欺负人": 2.5, "什么素质": 2.5, "素质": 1.0, "谁赔": 2.0,
    "谁负责": 2.0, "谁来负责": 2.0, "谁给你们的": 2.5, "别再给我": 2.0, "别跟我说": 2.0,
    "别给我": 1.5, "最后一遍": 2.0, "马上给我": 2.0, "给我退": 1.5, "给我个说法": 2.5,
    "给我一个说法": 2.5, "给我个解释": 2.0, "居然": 0.8, "竟然": 0.8, "闭着眼": 1.5,
    "白跑": 1.5, "转来转去": 2.0, "挂断": 1.2, "打发要饭": 3.0, "打发": 1.5, "莫名其妙": 2.0,
    "完事了": 1.5, "栓q": 2.0, "推脱": 2.0, "推诿": 2.0, "多扣": 2.0, "乱开": 2.0,
    "摆设": 2.0, "没人": 1.2, "好骗": 2.5, "是吧": 0.8, "霸王": 2.0, "不讲武德": 2.0,
    "气死": 3.0, "气死了": 3.0, "气死我了": 3.0, "生气": 2.0, "愤怒": 2.5, "火大": 2.5,
    "恼火": 2.0, "发火": 2.0, "窝火": 2.0, "不爽": 1.5, "受够了": 2.5, "忍无可忍": 3.0,
    "垃圾": 2.5, "垃圾公司": 3.0, "破公司": 2.5, "什么破": 2.5, "破玩意": 2.5, "烂透了": 2.5,
    "骗子": 3.0, "骗人": 2.5, "欺骗": 2.5, "诈骗": 3.0, "忽悠": 2.0, "坑人": 2.5, "坑爹": 2.5,
    "黑心": 2.5, "无良": 2.5, "奸商": 3.0, "流氓": 2.5, "强盗": 2.5, "霸王条款": 2.5,
    "无语": 1.5, "无耻": 3.0, "恶心": 2.0, "离谱": 2.0, "太离谱": 2.5, "过分": 2.0,
    "太过分": 2.5, "欺人太甚": 3.0, "岂有此理": 3.0, "像话吗": 2.0, "不像话": 2.0,
    "搞什么": 2.0, "搞什么鬼": 2.5, "搞什么飞机": 2.5, "什么玩意": 2.5, "什么态度": 2.5,
    "态度恶劣": 2.5, "态度差": 2.0, "态度太差": 2.5, "踢皮球": 2.5, "推卸责任": 2.5,
    "推来推去": 2.5, "互相推诿": 2.5, "敷衍": 2.0, "糊弄": 2.0, "没人管": 2.0, "没人理": 2.0,
    "爱答不理": 2.0, "不负责任": 2.5, "不负责": 2.0, "凭啥": 2.0, "有病": 2.0, "滚": 2.5,
    "混蛋": 3.0, "王八蛋": 3.0, "他妈": 2.5, "妈的": 2.5, "tmd": 2.5, "尼玛": 2.5,
    "卧槽": 1.5, "我靠": 1.5, "靠谱点": 1.0, "耍我": 2.5, "耍人": 2.5, "当猴耍": 3.0,
    "把我当": 1.5, "还讲不讲理": 2.5, "讲不讲道理": 2.5, "给个说法": 2.0, "说法": 0.5,
    "赔钱": 1.5, "必须赔偿": 2.0, "退钱": 1.5, "立刻退款": 1.5, "强烈要求": 2.0, "欺诈": 3.0,
    "乱扣": 2.5, "乱收费": 2.5, "黑店": 3.0, "吃相难看": 2.5, "太坑": 2.5, "坑": 1.5,
    "简直": 1.0, "到底": 0.8, "到底怎么回事": 1.5, "怎么回事": 0.8, "什么情况": 0.6,
    "你们是干什么吃的": 3.0, "干什么吃的": 3.0, "是不是有病": 3.0, "脑子": 1.5,
    "服了": 1.5, "真服了": 2.0,
    "没完没了": 2.0, "一拖再拖": 2.5, "拖了": 1.0, "拖着": 1.5, "耽误": 1.0,
    "不满": 1.5, "很不满": 2.5, "极度不满": 3.0, "非常不满": 3.0, "态度": 0.3,
    "不合理": 1.5, "不公平": 1.5, "不讲理": 2.0, "霸道": 2.0, "威胁": 1.5, "骂": 1.5,
}

ANXIOUS_ZH: dict[str, float] = {
    "在线等": 2.0, "要不要": 0.8, "风险": 1.0, "有风险": 1.5, "来得及吗": 1.5, "还有效吗": 1.0,
    "赶得上": 1.0, "等着": 1.2, "就等": 1.2, "一直": 0.6, "打不通": 1.2, "占线": 1.0,
    "误删": 0.8, "不小心": 1.0, "转错": 1.5, "填错": 1.0, "追回": 1.0, "抛锚": 1.5,
    "过期": 1.0, "清零": 1.0, "怎么弄": 1.0, "能不能帮": 0.8, "还在处理吗": 1.5,
    "着急": 2.0, "急死了": 2.5, "急死": 2.5, "急": 1.2, "好急": 2.0, "很急": 2.0,
    "急用": 2.0, "急着用": 2.0, "急需": 2.0, "焦急": 2.0, "焦虑": 2.0, "担心": 1.5,
    "害怕": 1.5, "怕": 0.8, "慌": 1.5, "心慌": 2.0, "不安": 1.5, "睡不着": 1.5,
    "怎么办": 1.5, "该怎么办": 1.8, "咋办": 1.5, "能不能快点": 2.0,
    "快点": 1.5, "快一点": 1.5, "赶紧": 1.5, "赶快": 1.5, "尽快": 1.0, "马上": 1.0,
    "什么时候能": 1.2, "什么时候到": 1.2, "什么时候才": 1.5, "到底什么时候": 2.0,
    "多久才": 1.5, "还要多久": 1.5, "还要等多久": 1.8, "等多久": 1.2, "等了": 1.0,
    "一直在等": 1.5, "等着用": 1.8, "等不及": 2.0, "等不了": 2.0, "来不及": 1.8,
    "催": 1.0, "催一下": 1.0, "再催": 1.5, "有消息吗": 1.2, "有结果吗": 1.2, "有进展吗": 1.2,
    "进度": 0.5, "在吗": 0.5, "有人吗": 0.8, "人呢": 1.5, "回复我": 1.0, "回一下": 0.8,
    "求求": 1.5, "拜托": 1.0, "帮帮忙": 1.2, "帮帮我": 1.5, "救命": 2.0, "十万火急": 3.0,
    "紧急": 1.5, "急急急": 3.0, "明天就要": 1.5, "今天就要": 1.5, "万一": 1.0, "会不会": 1.2,
    "丢了": 1.2, "丢失": 1.0, "被盗": 2.0, "盗刷": 2.0, "冻结": 1.2, "安全吗": 1.2,
    "登不上": 1.2, "登录不了": 1.2, "收不到": 1.0, "联系不上": 1.5,
}

DISAPPOINTED_ZH: dict[str, float] = {
    "变成这样": 1.8, "又是这样": 1.8, "怎么变": 1.0, "以前": 0.6, "结果": 1.0, "泡汤": 2.0,
    "不是滋味": 2.0, "满心欢喜": 1.0, "期待了": 1.5, "就这": 1.5, "退坑": 1.5, "赶不上": 1.0,
    "没赶上": 1.5, "太假": 1.5, "浪费了": 1.5,
    "失望": 2.0, "太失望": 2.5, "很失望": 2.5, "大失所望": 3.0, "寒心": 2.5, "心寒": 2.5,
    "伤心": 2.0, "难过": 1.5, "遗憾": 2.0, "可惜": 1.2, "后悔": 2.0, "早知道": 1.5,
    "本来以为": 2.0, "原以为": 2.0, "本来": 1.0, "原本": 1.0, "本来想": 1.5, "以为": 1.0, "还以为": 1.5, "没想到": 1.2,
    "期待": 0.6, "期望": 0.6, "白等": 2.0, "白买": 2.0, "白花": 2.0, "不值": 1.5, "不值得": 1.5,
    "算了": 1.2, "唉": 1.5, "哎": 0.8, "叹气": 1.5, "无奈": 1.5, "无力": 1.5, "郁闷": 1.5,
    "心累": 2.0, "累了": 1.0, "不会再买": 2.5, "再也不": 2.0, "再也不买": 2.5, "不再": 1.0,
    "最后一次": 1.8, "信任": 0.4, "失去信任": 2.5, "不信任": 1.5, "辜负": 2.0, "打折扣": 1.5,
    "大打折扣": 2.0, "落差": 1.5, "名不副实": 2.0, "货不对板": 2.0, "与描述不符": 2.0,
    "和描述不符": 2.0, "不一样": 1.0, "差距": 1.0, "一般般": 1.0, "一般": 0.6, "凑合": 0.8,
    "不满意": 2.0, "很不满意": 2.5, "不太满意": 1.5, "没用": 1.5, "没解决": 1.5,
    "没有解决": 1.5, "未解决": 1.2, "不开心": 1.5,
    "取消": 0.5, "退货": 0.6, "退了": 0.6, "不敢": 1.0, "本以为": 1.5, "说好的": 1.5,
    "答应": 0.8, "明明": 1.2, "承诺": 0.6, "没兑现": 2.0, "食言": 2.0, "不守信": 2.0,
}

DOUBTFUL_ZH: dict[str, float] = {
    "凭什么": 1.2, "确定": 1.2, "怎么就": 1.5, "怎么还": 1.0, "怎么每次": 1.5, "查不到": 1.2,
    "找不到": 1.0, "怎么判断": 1.0, "怎么看都": 1.2, "怎么觉得": 1.2, "怎么可能": 1.8,
    "所谓的": 1.5, "所谓": 1.2, "说是": 0.8, "自称": 1.5, "号称": 1.5, "不对劲": 1.5,
    "不太对": 1.5, "像骗子": 2.0, "像是骗": 2.0, "骗局": 1.5, "书面": 1.0, "凭证": 1.0,
    "证明": 0.8, "正规吗": 1.5, "正规": 0.6, "感觉是": 0.8, "感觉像": 1.0, "说了算": 1.5,
    "谁签的": 1.2, "真有这么": 1.5, "这么好的事": 1.5, "先涨后降": 1.5, "准吗": 1.2,
    "属实": 1.0, "是谁": 0.6, "别到时候": 1.2,
    "真的吗": 1.5, "真的假的": 2.0, "是真的吗": 1.5, "确定吗": 1.5, "你确定": 1.5,
    "靠谱吗": 1.5, "可信吗": 1.5, "能信吗": 1.5, "可靠吗": 1.5, "怀疑": 1.8, "质疑": 1.8,
    "不相信": 1.8, "不信": 1.5, "信不过": 1.8, "半信半疑": 2.0, "是不是骗": 2.0,
    "不会是骗": 2.0, "会不会是": 1.2, "正品吗": 1.5, "是正品吗": 1.5, "假货": 1.5, "假的": 1.0,
    "能保证": 1.2, "能保证吗": 1.5, "保证吗": 1.5, "有保障吗": 1.5, "说的是真的": 1.5,
    "怎么证明": 1.5, "凭什么说": 1.5, "不可能吧": 1.5, "不会吧": 1.2, "是吗": 0.8, "吗": 0.3,
    "为什么": 1.0, "为啥": 1.0, "怎么会": 1.0, "奇怪": 1.2, "不对吧": 1.5, "不对": 0.8,
    "搞错": 1.0, "搞错了吧": 1.5, "有没有搞错": 1.5, "是不是": 1.0, "难道": 1.0,
    "可疑": 1.5, "疑问": 1.0, "疑惑": 1.5, "不明白": 1.0, "不理解": 1.0, "不清楚": 0.6,
    "没搞懂": 1.0, "看不懂": 1.0, "隐藏": 1.0, "套路": 1.5, "猫腻": 2.0, "水分": 1.0,
    "到底是不是": 1.5, "能不能信": 1.5, "真能": 1.0, "真会": 1.0, "吗?": 0.3,
    "说清楚": 1.0, "解释一下": 1.0, "给个解释": 1.2, "依据": 1.0, "哪里写了": 1.5,
}

SATISFIED_ZH: dict[str, float] = {
    "绝了": 1.5, "yyds": 2.5, "效率": 0.8, "这效率": 1.0,
    "满意": 2.0, "很满意": 2.5, "非常满意": 3.0, "谢谢": 1.5, "谢谢你": 1.8, "谢谢您": 1.8,
    "感谢": 1.8, "非常感谢": 2.5, "太感谢": 2.5, "多谢": 1.8, "谢啦": 1.5, "谢了": 1.2,
    "辛苦了": 2.0, "辛苦": 1.2, "麻烦你了": 1.0, "太好了": 2.0, "好的谢谢": 1.8, "好评": 2.0,
    "五星": 2.0, "点赞": 2.0, "赞": 1.5, "棒": 1.8, "很棒": 2.0, "给力": 2.0, "靠谱": 1.5,
    "专业": 1.5, "耐心": 1.5, "贴心": 2.0, "周到": 1.8, "热情": 1.5, "及时": 1.2, "高效": 1.5,
    "效率高": 1.8, "速度快": 1.5, "很快": 1.2, "解决了": 1.5, "搞定了": 1.5, "已经好了": 1.5,
    "收到了": 1.0, "没问题": 1.0, "放心了": 2.0, "安心": 1.5, "开心": 2.0, "高兴": 2.0,
    "喜欢": 1.8, "推荐": 1.5, "会推荐": 2.0, "还会再来": 2.0, "下次还": 1.5, "感动": 2.0,
    "好人": 1.5, "好样的": 2.0, "认可": 1.5, "表扬": 2.0, "感激": 2.0, "惊喜": 2.0,
    "完美": 2.5, "舒服": 1.5, "满分": 2.5, "服务好": 2.0, "态度好": 2.0, "态度很好": 2.5,
    "明白了": 1.0, "懂了": 0.8, "清楚了": 0.8, "了解了": 0.8, "知道了": 0.6, "好的": 0.5,
    "好滴": 0.8, "ok": 0.5, "可以了": 1.0, "行了": 0.6, "没事了": 1.0, "圆满": 2.0,
    "顺利": 1.2, "点个赞": 2.0, "必须好评": 2.5, "赞赞": 2.0, "666": 1.5, "谢谢亲": 1.8,
}

# --- plain polarity (Chinese) --------------------------------------------------

POSITIVE_ZH: dict[str, float] = {
    "精彩": 1.5, "经典": 1.2, "值得一读": 2.0, "好书": 1.8, "受益匪浅": 2.0, "丰富": 1.0,
    "优美": 1.5, "便利": 1.0, "耐用": 1.2, "结实": 1.0, "轻薄": 0.8, "物有所值": 2.0,
    "超出预期": 2.0, "优点": 1.0, "一流": 2.0, "舒心": 1.5, "还会再": 1.5, "热心": 1.5,
    "周全": 1.2, "灵敏": 1.0, "快捷": 1.2, "推荐大家": 2.0, "值得推荐": 2.0, "好玩": 1.2,
    "有趣": 1.2, "感人": 1.5, "震撼": 1.5, "靠得住": 1.5, "放心": 1.5,
    "好": 1.0, "很好": 1.5, "不错": 1.5, "挺好": 1.5, "蛮好": 1.5, "好用": 1.5, "好看": 1.2,
    "好吃": 1.2, "优秀": 1.8, "优质": 1.5, "出色": 1.8, "精致": 1.2, "实惠": 1.2, "划算": 1.2,
    "物美价廉": 2.0, "性价比高": 1.8, "干净": 1.2, "整洁": 1.2, "舒适": 1.5, "方便": 1.0,
    "便宜": 0.8, "快": 0.6, "稳定": 1.0, "流畅": 1.2, "清晰": 1.0, "漂亮": 1.5, "美观": 1.2,
    "值得": 1.5, "值": 0.8, "超值": 2.0, "物超所值": 2.0, "合适": 1.0, "愉快": 1.5,
    "温馨": 1.5, "宽敞": 1.2, "安静": 1.0, "新鲜": 1.0, "友好": 1.5, "礼貌": 1.2, "和蔼": 1.5,
    "到位": 1.2, "齐全": 1.0, "完善": 1.0, "实用": 1.2, "给力的": 2.0, "可以": 0.3,
    "还可以": 0.6, "还行": 0.5, "挺不错": 1.8, "正品": 1.0, "满足": 1.0, "美": 0.8,
    "强": 0.8, "厉害": 1.0, "好评如潮": 2.0, "推荐购买": 2.0, "喜欢的": 1.5, "享受": 1.2,
    "方便快捷": 1.5, "准时": 1.2, "清爽": 1.0, "细心": 1.5, "大方": 1.0, "亮": 0.5,
    "不亏": 1.2, "优惠": 0.8, "好处": 0.8, "成功": 1.0, "正常": 0.5, "恢复": 0.6,
}

NEGATIVE_ZH: dict[str, float] = {
    "无聊": 1.5, "枯燥": 1.5, "没意思": 1.5, "差强人意": 1.0, "上当": 2.0, "受骗": 2.0,
    "恶劣": 2.0, "垃圾的": 2.5, "不推荐": 2.0, "别买": 2.0, "不要买": 2.0, "千万别": 2.0,
    "隔音差": 1.5, "不干净": 1.5, "潮湿": 1.0, "发霉": 1.5, "蟑螂": 1.5, "退款": 0.3,
    "敷衍了事": 2.0, "不理想": 1.2, "不靠谱": 1.8, "有问题": 0.8, "出问题": 1.0,
    "断了": 1.0, "损失": 1.0, "太严重": 1.8, "很严重": 1.5, "塌了": 1.0, "烂的": 1.5,
    "差": 1.5, "很差": 2.0, "太差": 2.5, "差劲": 2.0, "烂": 2.0, "糟糕": 2.0, "糟": 1.5,
    "坏": 1.2, "坏了": 1.5, "破": 1.0, "破损": 1.5, "损坏": 1.5, "故障": 1.2,
    "毛病": 1.2, "缺陷": 1.5, "瑕疵": 1.2, "慢": 1.2, "太慢": 2.0, "很慢": 1.8, "卡": 1.0,
    "卡顿": 1.5, "死机": 1.5, "闪退": 1.5, "崩溃": 1.8, "脏": 1.5, "臭": 1.5, "吵": 1.2,
    "噪音": 1.0, "噪声": 1.0, "贵": 1.0, "太贵": 1.5, "不值钱": 1.5, "难用": 1.8, "难看": 1.5,
    "难吃": 1.8, "不好": 1.5, "不行": 1.5, "不能用": 1.8, "用不了": 1.5, "没法用": 1.8,
    "麻烦": 0.8, "复杂": 0.8, "难": 0.6, "困难": 0.8, "失败": 1.2, "错误": 1.0, "错了": 1.0,
    "漏发": 1.5, "少发": 1.5, "发错": 1.5, "缺货": 0.8, "延迟": 1.0, "延误": 1.2, "迟到": 1.0,
    "晚了": 0.8, "拖延": 1.5, "不准": 1.0, "不清楚的": 0.6, "模糊": 1.0, "粗糙": 1.5,
    "劣质": 2.0, "质量差": 2.0, "以次充好": 2.5, "发热": 0.8, "发烫": 1.0, "漏水": 1.2,
    "异味": 1.2, "简陋": 1.5, "陈旧": 1.2, "老旧": 1.0, "狭小": 1.0, "小气": 1.2, "冷漠": 1.8,
    "冷淡": 1.5, "不耐烦": 2.0, "不专业": 1.8, "不方便": 1.2, "不舒服": 1.5, "不合适": 1.0,
    "不好用": 1.8, "没效果": 1.5, "无效": 1.2, "浪费": 1.5, "折腾": 1.2, "倒霉": 1.5,
    "痛苦": 1.8, "难受": 1.5, "烦": 1.5, "烦死了": 2.5, "闹心": 1.8, "糟心": 1.8, "吐槽": 1.2,
    "缺点": 1.0, "不足": 0.8, "一塌糊涂": 2.5, "差评的": 1.5, "掉色": 1.2,
    "变形": 1.0, "开裂": 1.2, "划痕": 1.0, "不灵": 1.2, "失灵": 1.5, "没反应": 1.2,
    "不亮": 1.0, "不到位": 1.5, "不到": 0.5, "不见": 0.8, "扣钱": 1.0, "乱": 1.0,
}

# Ordinary words containing a sentiment character; weight 0, they only block.
MASKS_ZH: frozenset[str] = frozenset({
    "您好", "你好", "大家好", "好像", "好似", "只好", "好几", "好多", "好久", "正好", "刚好",
    "恰好", "最好", "好不好", "好吗", "好了吗", "好歹", "爱好", "好奇", "问好", "好友",
    "出差", "差不多", "差价", "差额", "差旅", "误差", "时差", "差一点", "偏差", "差点儿",
    "急诊", "急救", "急性", "急件", "卡号", "银行卡", "会员卡", "卡券", "购物卡", "信用卡",
    "储值卡", "卡片", "卡住了吗", "破解", "打破", "突破", "破产", "慢慢", "慢走", "快递",
    "快件", "快乐", "加快", "快要", "不好意思", "好意思", "不客气", "没关系", "不用谢",
    "不要紧", "可不可以", "问题", "请问", "可以吗", "美元", "美国", "美团", "美的", "强制",
    "强调", "勉强", "坏账", "烂尾", "赞助", "贵宾", "贵公司", "贵司", "宝贵", "灾难", "难免", "为难", "价值", "值班", "充值", "数值", "面值", "不以为然", "怕是",
    "恐怕", "只怕", "哪怕", "生怕", "可以说", "好评返现",
    "能不能", "有没有", "行不行", "对不对", "方便的话", "不方便的话",
})

# --- negation and degree -------------------------------------------------------

# factor: how much of the word's polarity is flipped (1.0 full, lower = milder).
NEGATORS_ZH: dict[str, float] = {
    "不": 1.0, "没": 1.0, "没有": 1.0, "无": 1.0, "未": 1.0, "非": 0.8,
    "并不": 1.0, "并没有": 1.0, "毫不": 1.0, "绝不": 1.0, "从不": 1.0, "从没": 1.0,
    "从来不": 1.0, "从来没": 1.0, "不是": 0.9, "不会": 0.8, "不够": 0.7, "谈不上": 0.8,
    "算不上": 0.8, "称不上": 0.8, "一点也不": 1.0, "一点都不": 1.0, "根本不": 1.0,
    "根本没": 1.0, "不太": 0.6, "不怎么": 0.6, "不是很": 0.6, "不是太": 0.6, "不那么": 0.6,
    "不算": 0.7, "没那么": 0.6, "不大": 0.6, "不很": 0.6, "不甚": 0.6,
}

DEGREE_ZH: dict[str, float] = {
    "极其": 2.0, "极度": 2.0, "极为": 2.0, "超级": 1.8, "超": 1.5, "非常": 1.8, "特别": 1.7,
    "十分": 1.6, "万分": 2.0, "太": 1.8, "真是太": 1.9, "实在": 1.5, "实在是": 1.6,
    "简直太": 2.0, "相当": 1.5, "很": 1.4, "挺": 1.2, "蛮": 1.2, "真": 1.4, "真的": 1.4,
    "真是": 1.4, "更": 1.3, "更加": 1.3, "越来越": 1.3, "比较": 1.1, "还算": 0.9,
    "较": 1.1, "有点": 0.6, "有点儿": 0.6, "有些": 0.7, "稍微": 0.6, "稍": 0.6, "略": 0.6,
    "略微": 0.6, "一点": 0.6, "太过": 1.8, "过于": 1.6, "巨": 1.8, "贼": 1.6, "老": 1.2,
    "最": 1.8, "完全": 1.6, "彻底": 1.6, "严重": 1.6, "这么": 1.3, "那么": 1.2, "如此": 1.4,
}

# --- English -------------------------------------------------------------------

ANGRY_EN: dict[str, float] = {
    "angry": 2.5, "furious": 3.0, "outraged": 3.0, "mad": 2.0, "pissed": 2.5, "livid": 3.0,
    "fed up": 2.5, "sick of": 2.5, "ridiculous": 2.0, "unacceptable": 2.5, "outrageous": 2.5,
    "disgusting": 2.5, "disgraceful": 2.5, "scam": 3.0, "scammers": 3.0, "fraud": 3.0,
    "rip off": 2.5, "ripoff": 2.5, "ripped off": 2.5, "liars": 3.0, "lied": 2.0,
    "lying": 2.0, "cheated": 2.5, "incompetent": 2.5, "useless": 2.0, "pathetic": 2.5,
    "rubbish": 2.0, "garbage": 2.5, "trash": 2.0, "wtf": 2.5, "damn": 1.5, "hell": 1.0,
    "shit": 2.5, "crap": 2.0, "sucks": 2.0, "worst": 2.5, "hate": 2.5, "annoyed": 1.8,
    "annoying": 1.8, "irritated": 1.8, "frustrated": 2.0, "frustrating": 2.0,
    "nonsense": 2.0, "joke": 1.0, "rude": 2.0, "demand": 1.5, "how dare": 3.0,
    "enough is enough": 3.0, "absurd": 2.0, "terrible service": 2.5,
}

ANXIOUS_EN: dict[str, float] = {
    "worried": 2.0, "worry": 1.5, "anxious": 2.0, "nervous": 1.5, "scared": 2.0,
    "afraid": 1.5, "panic": 2.5, "panicking": 2.5, "desperate": 2.5, "concerned": 1.2,
    "please hurry": 2.0, "hurry": 1.5, "asap": 1.5, "urgent": 1.5, "urgently": 1.5,
    "need it now": 2.0, "what do i do": 1.5, "what should i do": 1.5, "help me": 1.2,
    "please help": 1.5, "any update": 1.2, "any news": 1.2, "how long": 1.0,
    "when will": 1.0, "still waiting": 1.5, "waiting for": 0.8, "hello?": 1.0,
    "anyone there": 1.5, "is anyone": 1.2, "stolen": 2.0, "hacked": 2.0, "locked out": 1.5,
}

DISAPPOINTED_EN: dict[str, float] = {
    "disappointed": 2.5, "disappointing": 2.0, "disappointment": 2.0, "let down": 2.0,
    "letdown": 2.0, "expected": 1.0, "expected better": 2.0, "i thought": 0.8,
    "unfortunately": 1.0, "sadly": 1.5, "sad": 1.5, "shame": 1.2, "regret": 1.8,
    "not worth": 1.5, "waste": 1.5, "waste of": 2.0, "never again": 2.5, "last time": 1.0,
    "unhappy": 2.0, "dissatisfied": 2.0, "not satisfied": 2.0, "sigh": 1.5,
    "meh": 1.0, "mediocre": 1.5, "underwhelming": 1.8, "promised": 1.2, "broken promise": 2.5,
}

DOUBTFUL_EN: dict[str, float] = {
    "really?": 1.5, "are you sure": 1.8, "is it true": 1.5, "is this legit": 2.0,
    "legit?": 1.5, "doubt": 1.8, "doubtful": 1.8, "suspicious": 2.0, "skeptical": 2.0,
    "sceptical": 2.0, "not sure": 1.0, "don't believe": 1.8, "can't believe": 1.0,
    "fake": 1.5, "genuine?": 1.5, "how can i trust": 2.0, "trust you": 1.0,
    "why": 0.5, "how come": 1.0, "explain": 0.8, "confused": 1.2, "confusing": 1.2,
    "hidden": 1.0, "guarantee": 0.8,
}

SATISFIED_EN: dict[str, float] = {
    "thanks": 1.5, "thank you": 1.8, "thx": 1.2, "appreciate": 1.8, "appreciated": 1.8,
    "grateful": 2.0, "great": 1.8, "excellent": 2.5, "awesome": 2.5, "amazing": 2.5,
    "perfect": 2.5, "wonderful": 2.5, "fantastic": 2.5, "love": 2.0, "happy": 1.8,
    "satisfied": 2.0, "pleased": 2.0, "helpful": 1.8, "solved": 1.5, "resolved": 1.5,
    "works now": 1.8, "fixed": 1.2, "quick": 1.0, "fast": 1.0, "nice": 1.5, "good": 1.2,
    "brilliant": 2.5, "glad": 1.8, "cheers": 1.0, "well done": 2.0, "kind": 1.2,
    "patient": 1.2, "professional": 1.5, "no problem": 1.0, "all good": 1.5,
}

POSITIVE_EN: dict[str, float] = {
    "fine": 0.6, "okay": 0.4, "better": 0.8, "best": 1.5, "recommend": 1.5,
    "easy": 1.0, "clean": 1.0, "comfortable": 1.2, "cheap": 0.5, "worth": 1.0,
}

NEGATIVE_EN: dict[str, float] = {
    "bad": 1.5, "poor": 1.5, "awful": 2.5, "terrible": 2.5, "horrible": 2.5, "slow": 1.2,
    "broken": 1.5, "damaged": 1.5, "defective": 1.8, "faulty": 1.5, "wrong": 1.0,
    "missing": 1.0, "late": 1.0, "delayed": 1.2, "problem": 0.5, "issue": 0.3, "error": 0.8,
    "fail": 1.2, "failed": 1.2, "failure": 1.2, "crash": 1.5, "crashes": 1.5, "bug": 1.0,
    "expensive": 1.0, "dirty": 1.5, "noisy": 1.2, "complicated": 0.8, "difficult": 0.8,
    "doesn't work": 1.5, "not working": 1.5, "can't": 0.5, "cannot": 0.5, "refund": 0.5,
}

NEGATORS_EN: dict[str, float] = {
    "not": 1.0, "no": 0.8, "never": 1.0, "don't": 1.0, "doesn't": 1.0, "didn't": 1.0,
    "isn't": 1.0, "wasn't": 1.0, "aren't": 1.0, "weren't": 1.0, "won't": 1.0,
    "hardly": 0.8, "not very": 0.6, "not really": 0.6, "not that": 0.6, "not so": 0.6,
}

DEGREE_EN: dict[str, float] = {
    "very": 1.6, "so": 1.5, "really": 1.4, "extremely": 2.0, "incredibly": 1.9, "too": 1.5,
    "totally": 1.6, "completely": 1.6, "absolutely": 1.8, "super": 1.6, "quite": 1.2,
    "pretty": 1.1, "a bit": 0.6, "a little": 0.6, "slightly": 0.6, "somewhat": 0.7,
    "kind of": 0.7, "most": 1.6, "utterly": 2.0,
}

# --- cue phrases ----------------------------------------------------------------

# Threats to complain publicly or to regulators: always angry, strongly negative.
PUBLIC_THREAT: dict[str, float] = {
    "投诉": 2.5, "投诉你们": 3.0, "去投诉": 3.0, "要投诉": 3.0, "曝光": 3.0, "12315": 3.0,
    "315": 2.5, "差评": 2.5, "给差评": 3.0, "消协": 3.0, "消费者协会": 3.0, "媒体": 2.5,
    "记者": 2.5, "律师": 3.0, "起诉": 3.0, "告你们": 3.0, "法院": 3.0, "黑猫": 3.0,
    "黑猫投诉": 3.0, "工商局": 3.0, "市场监管": 3.0, "12345": 3.0, "银保监": 3.0, "报警": 3.0,
    "维权": 2.5, "发微博": 2.5, "发到网上": 2.5, "抖音曝光": 3.0, "微博曝光": 3.0,
    "complain": 2.0, "complaint": 2.0, "lawyer": 3.0, "sue": 3.0, "legal action": 3.0,
    "report you": 3.0, "bad review": 2.5, "1-star": 2.5, "one star": 2.5, "the press": 2.5,
    "social media": 2.0, "trading standards": 3.0, "regulator": 2.5, "chargeback": 2.5,
}

# "Still not": the customer has been waiting; anxious, angry when repeated.
STILL_NOT: dict[str, float] = {
    "还没": 1.5, "还没有": 1.5, "还是没": 1.8, "还是没有": 1.8, "至今": 1.8, "至今没": 2.0,
    "一直没": 2.0, "一直没有": 2.0, "一直不": 1.8, "到现在还": 2.0, "到现在都": 2.0,
    "迟迟": 2.0, "迟迟没": 2.0, "依然没": 1.8, "仍然没": 1.8, "仍未": 1.8, "还不": 1.2,
    "还是不": 1.5, "始终没": 2.0, "还在等": 1.5, "还要等": 1.5, "怎么还没": 2.0, "怎么还不": 1.8, "怎么还是没": 2.0,
    "still not": 2.0, "still no": 2.0, "still haven't": 2.0, "still hasn't": 2.0,
    "still don't": 1.8, "still doesn't": 1.8, "still waiting": 2.0, "not yet": 1.2,
    "never arrived": 2.0, "never received": 2.0,
}

# Sarcasm: praise words that, in a complaint, mean the opposite (angry).
SARCASM_ZH: dict[str, float] = {
    "呵呵": 1.5, "呵呵哒": 1.5, "可真行": 2.5, "真行啊": 2.5, "真有你们的": 2.5,
    "厉害了": 1.5, "服了你们": 2.5, "谢谢你们全家": 3.0, "好一个": 1.5, "真是好样的": 2.5,
    "真是服了": 2.5, "高效啊": 1.5, "效率真高": 1.5,
}

# Emoji and WeChat-style bracket emoticons: (emotion, magnitude).
EMOJI: dict[str, tuple[str, float]] = {
    "😡": ("angry", 2.5), "🤬": ("angry", 3.0), "😠": ("angry", 2.0), "👿": ("angry", 2.0),
    "💢": ("angry", 2.0), "🖕": ("angry", 3.0), "[怒]": ("angry", 2.5), "[发怒]": ("angry", 2.5),
    "[微笑]": ("angry", 0.8), "[白眼]": ("angry", 1.5), "🙄": ("doubtful", 1.2),
    "😰": ("anxious", 2.0), "😟": ("anxious", 1.5), "😥": ("anxious", 1.5), "😨": ("anxious", 2.0),
    "😱": ("anxious", 2.0), "🥺": ("anxious", 1.5), "[流泪]": ("disappointed", 1.5),
    "😭": ("disappointed", 2.0), "😢": ("disappointed", 1.8), "😞": ("disappointed", 2.0),
    "😔": ("disappointed", 1.8), "💔": ("disappointed", 2.0), "[大哭]": ("disappointed", 2.0),
    "[难过]": ("disappointed", 1.5), "🤔": ("doubtful", 1.5), "🧐": ("doubtful", 1.5),
    "[疑问]": ("doubtful", 1.5), "😊": ("satisfied", 1.5), "😄": ("satisfied", 1.8),
    "😁": ("satisfied", 1.5), "🙂": ("satisfied", 0.8), "😍": ("satisfied", 2.0),
    "👍": ("satisfied", 2.0), "🙏": ("satisfied", 1.2), "❤": ("satisfied", 2.0),
    "❤️": ("satisfied", 2.0), "🌹": ("satisfied", 1.5), "💯": ("satisfied", 2.0),
    "[赞]": ("satisfied", 2.0), "[强]": ("satisfied", 2.0), "[玫瑰]": ("satisfied", 1.5),
    "[抱拳]": ("satisfied", 1.2), "[爱心]": ("satisfied", 2.0), "[愉快]": ("satisfied", 1.5),
    ":)": ("satisfied", 1.2), ":-)": ("satisfied", 1.2), ":(": ("disappointed", 1.5),
    ":-(": ("disappointed", 1.5),
}

# --- urgency (level 1..3) -----------------------------------------------------

URGENCY: dict[str, int] = {
    # level 3: the service is down or many people / money are hit right now
    "停机": 3, "宕机": 3, "崩了": 3, "挂了": 2, "瘫痪": 3, "全部用户": 3, "所有用户": 3,
    "所有人都": 3, "大面积": 3, "全线": 3, "生产事故": 3, "线上事故": 3, "盗刷": 3,
    "被盗": 3, "被盗刷": 3, "资金损失": 3, "数据丢失": 3, "数据泄露": 3, "泄露": 3, "十万火急": 3,
    "outage": 3, "is down": 3, "site down": 3, "all users": 3, "data loss": 3,
    "data breach": 3, "fraudulent": 3, "production down": 3,
    # level 2: needs action now
    "紧急": 2, "很急": 2, "特急": 2, "加急": 2, "马上": 2, "立刻": 2, "立即": 2, "今天必须": 2,
    "必须今天": 2, "今天之内": 2, "等不了": 2, "等不及": 2, "急用": 2, "急需": 2,
    "无法登录": 2, "登录不了": 2, "登不上": 2, "无法支付": 2, "付不了款": 2, "无法使用": 2,
    "用不了": 2, "打不开": 2, "重复扣款": 2, "多扣": 2, "扣了两次": 2, "被扣": 2,
    "冻结": 2, "影响业务": 2, "影响生产": 2, "客户在等": 2, "急死了": 2, "着急": 1,
    "urgent": 2, "urgently": 2, "asap": 2, "immediately": 2, "right now": 2, "emergency": 2,
    "down": 2, "can't log in": 2, "cannot log in": 2, "can't login": 2, "charged twice": 2,
    "double charged": 2, "locked out": 2,
    # level 1: wants it soon
    "急": 1, "尽快": 1, "赶紧": 1, "赶快": 1, "快点": 1, "快一点": 1, "早点": 1, "抓紧": 1,
    "催": 1, "soon": 1, "quickly": 1, "hurry": 1, "as soon as": 1,
}


# Phrases that contain an urgency word but are not urgent.
URGENCY_MASKS: frozenset[str] = frozenset({
    "down payment", "calm down", "slow down", "sit down", "down to", "let down", "turned down",
    "急诊", "急救", "急性", "性急", "不急", "不着急", "不用着急", "不赶", "不用马上",
})

# Upper-case words that are names, not shouting.
ACRONYMS: frozenset[str] = frozenset({
    "APP", "VIP", "SMS", "USB", "CPU", "GPU", "SIM", "ATM", "PDF", "URL", "API", "VPN", "WIFI",
    "IOS", "MAC", "IMEI", "SKU", "DHL", "UPS", "EMS", "USA", "PPT", "CEO", "OTP", "PIN", "FAQ",
    "ETA", "GMT", "UTC", "CNY", "RMB", "USD", "YYDS", "OK", "NFC", "LED", "SSD", "HDMI", "IPAD",
    "IPHONE", "MIUI", "ID", "QQ", "KTV", "SUV", "VIN", "ETC", "WLAN", "HR",
})

# fmt: on

# --- lookup ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """What one listed phrase means: a ``kind`` of cue, an emotion ("" for none)
    and a weight (magnitude for words and cues, factor for negators/degree)."""

    kind: str
    emotion: str
    weight: float


Hit = tuple[int, int, Entry]


def _is_alnum_ascii(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class PhraseMatcher:
    """Longest-match scan of a text against a phrase table.

    Forward maximum matching: at each position the longest listed phrase wins
    and the scan continues after it, so ``不满意`` is one word rather than the
    negator ``不`` plus ``满意``, and a mask such as ``您好`` hides ``好``. Phrases
    that begin or end with a Latin letter or digit only match on word
    boundaries (``sue`` is not found in ``issue``). Text must be normalised and
    lower-cased by the caller; offsets are into that text.
    """

    def __init__(self, table: dict[str, Entry]) -> None:
        self._table = table
        lengths: dict[str, set[int]] = {}
        for phrase in table:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
        self._lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}

    def scan(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        table, lengths_of = self._table, self._lengths
        i, n = 0, len(text)
        while i < n:
            lengths = lengths_of.get(text[i])
            if lengths is None or (i and _is_alnum_ascii(text[i]) and _is_alnum_ascii(text[i - 1])):
                i += 1
                continue
            for length in lengths:
                end = i + length
                if end > n:
                    continue
                entry = table.get(text[i:end])
                if entry is None:
                    continue
                if end < n and _is_alnum_ascii(text[end - 1]) and _is_alnum_ascii(text[end]):
                    continue
                hits.append((i, end, entry))
                i = end
                break
            else:
                i += 1
        return hits


def _add(table: dict[str, Entry], words: dict[str, float], kind: str, emotion: str) -> None:
    for word, weight in words.items():
        table[word] = Entry(kind, emotion, weight)


def emotion_table() -> dict[str, Entry]:
    """Every phrase the emotion analyser looks for. Later groups win on a clash."""
    table: dict[str, Entry] = {word: Entry("mask", "", 0.0) for word in MASKS_ZH}
    for words, emotion in (
        (POSITIVE_ZH, "+"),
        (POSITIVE_EN, "+"),
        (NEGATIVE_ZH, "-"),
        (NEGATIVE_EN, "-"),
        (ANGRY_ZH, "angry"),
        (ANGRY_EN, "angry"),
        (ANXIOUS_ZH, "anxious"),
        (ANXIOUS_EN, "anxious"),
        (DISAPPOINTED_ZH, "disappointed"),
        (DISAPPOINTED_EN, "disappointed"),
        (DOUBTFUL_ZH, "doubtful"),
        (DOUBTFUL_EN, "doubtful"),
        (SATISFIED_ZH, "satisfied"),
        (SATISFIED_EN, "satisfied"),
    ):
        _add(table, words, "word", emotion)
    _add(table, NEGATORS_ZH, "negation", "")
    _add(table, NEGATORS_EN, "negation", "")
    _add(table, DEGREE_ZH, "degree", "")
    _add(table, DEGREE_EN, "degree", "")
    _add(table, STILL_NOT, "still_not", "anxious")
    _add(table, SARCASM_ZH, "sarcasm", "angry")
    _add(table, PUBLIC_THREAT, "public_threat", "angry")
    for symbol, (emotion, weight) in EMOJI.items():
        table[symbol] = Entry("emoji", emotion, weight)
    return table


def urgency_table() -> dict[str, Entry]:
    """Urgency phrases (weight = level 1..3), with the masks that stop ``急`` in ``急诊``."""
    table: dict[str, Entry] = {word: Entry("mask", "", 0.0) for word in MASKS_ZH}
    for word in URGENCY_MASKS:
        table[word] = Entry("mask", "", 0.0)
    for word, level in URGENCY.items():
        table[word] = Entry("urgency", "", float(level))
    return table


# Thanks that close a polite request ("请帮我查一下，谢谢") are manners, not praise.
THANKS: frozenset[str] = frozenset(
    {
        "谢谢",
        "谢谢你",
        "谢谢您",
        "感谢",
        "多谢",
        "谢啦",
        "谢了",
        "thanks",
        "thank you",
        "thx",
    }
)
REQUEST_MARKERS: tuple[str, ...] = (
    "请",
    "麻烦",
    "帮我",
    "能否",
    "可否",
    "方便的话",
    "please",
    "could you",
    "can you",
)
