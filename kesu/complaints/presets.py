"""Category presets from the seeds: a two-level taxonomy with codes for each industry.

Codes are unique across presets (the industry presets carry a prefix), so a firm may load
several and a code always names one category. "general" is seed 3's A–F (2.2.1–2.2.2).
"""

from __future__ import annotations

Node = tuple[str, str, str, list[tuple[str, str, str]]]

PRESETS: dict[str, tuple[str, list[Node]]] = {
    "general": (
        "通用（服务业投诉处理标准与程序 2.2）",
        [
            (
                "A",
                "服务态度",
                "Service attitude",
                [
                    ("A01", "态度生硬、冷漠", "Rude or cold manner"),
                    ("A02", "推诿、拖延", "Passing the buck, delay"),
                    ("A03", "言语不当、争执", "Improper language, quarrel"),
                    ("A04", "未履行首问负责", "First-contact duty not honoured"),
                ],
            ),
            (
                "B",
                "服务质量",
                "Service quality",
                [
                    ("B01", "服务效率低、等候时间长", "Slow service, long wait"),
                    ("B02", "业务差错", "Processing error"),
                    ("B03", "服务设施与环境", "Facilities and environment"),
                    ("B04", "信息告知不清", "Unclear information"),
                ],
            ),
            (
                "C",
                "收费标准",
                "Charges",
                [
                    ("C01", "收费不合理", "Unreasonable charge"),
                    ("C02", "乱收费、多收费", "Unauthorised or excess charge"),
                    ("C03", "收费未明示", "Charge not disclosed"),
                ],
            ),
            (
                "D",
                "合同履行",
                "Contract performance",
                [
                    ("D01", "未按约定履行", "Not performed as agreed"),
                    ("D02", "合同条款争议", "Dispute over terms"),
                    ("D03", "虚假宣传、承诺未兑现", "Misleading promise"),
                ],
            ),
            (
                "E",
                "售后服务",
                "After-sales service",
                [
                    ("E01", "维修不及时", "Repair not timely"),
                    ("E02", "退换货纠纷", "Return or exchange dispute"),
                    ("E03", "回访与跟进不到位", "No follow-up"),
                ],
            ),
            ("F", "其他", "Other", [("F01", "其他问题", "Other issue")]),
        ],
    ),
    "property": (
        "物业管理",
        [
            (
                "WY-A",
                "房屋质量",
                "Building quality",
                [
                    ("WY-A01", "渗水漏水", "Water leaks"),
                    ("WY-A02", "墙体开裂", "Cracked walls"),
                    ("WY-A03", "管道堵塞、下水不畅", "Blocked pipes or drains"),
                ],
            ),
            (
                "WY-B",
                "物业配套",
                "Amenities",
                [
                    ("WY-B01", "水电气及有线电视", "Utilities and cable"),
                    ("WY-B02", "停车位不足", "Parking"),
                    ("WY-B03", "垃圾房与休闲场所", "Refuse rooms and recreation"),
                ],
            ),
            (
                "WY-C",
                "设备设施",
                "Equipment",
                [
                    ("WY-C01", "电梯故障", "Lift faults"),
                    ("WY-C02", "门禁与防盗系统", "Access control and security systems"),
                ],
            ),
            (
                "WY-D",
                "服务态度与质量",
                "Service",
                [
                    ("WY-D01", "服务态度", "Staff attitude"),
                    ("WY-D02", "服务时效、维修不及时", "Slow response or repair"),
                    ("WY-D03", "安全与环境卫生", "Safety and cleanliness"),
                    ("WY-D04", "服务项目单一", "Too few services"),
                ],
            ),
            (
                "WY-E",
                "管理费用",
                "Fees",
                [
                    ("WY-E01", "物业费标准", "Management fee level"),
                    ("WY-E02", "公共能耗分摊", "Shared utility costs"),
                ],
            ),
            (
                "WY-F",
                "突发事件",
                "Incidents",
                [
                    ("WY-F01", "停电停水", "Power or water cut"),
                    ("WY-F02", "被困电梯", "Trapped in a lift"),
                    ("WY-F03", "盗窃、火灾、车辆丢失", "Theft, fire, lost vehicle"),
                ],
            ),
            (
                "WY-G",
                "相邻关系",
                "Neighbours",
                [
                    ("WY-G01", "噪音", "Noise"),
                    ("WY-G02", "邻里漏水", "Leak from a neighbour"),
                ],
            ),
        ],
    ),
    "bank": (
        "银行营业网点",
        [
            (
                "YH-A",
                "服务态度",
                "Staff attitude",
                [
                    ("YH-A01", "态度生硬", "Rude manner"),
                    ("YH-A02", "推诿客户", "Turning customers away"),
                ],
            ),
            (
                "YH-B",
                "业务办理",
                "Transactions",
                [
                    ("YH-B01", "排队等候时间长", "Long queue"),
                    ("YH-B02", "业务差错", "Transaction error"),
                    ("YH-B03", "办理流程繁琐", "Cumbersome procedure"),
                ],
            ),
            (
                "YH-C",
                "收费与定价",
                "Fees and pricing",
                [
                    ("YH-C01", "服务收费", "Service fees"),
                    ("YH-C02", "利率与费率", "Interest and rates"),
                ],
            ),
            (
                "YH-D",
                "产品销售",
                "Product sales",
                [
                    ("YH-D01", "理财产品销售不当", "Mis-sold wealth product"),
                    ("YH-D02", "保险代销", "Bancassurance"),
                ],
            ),
            (
                "YH-E",
                "网点设施与环境",
                "Branch facilities",
                [
                    ("YH-E01", "自助设备故障", "Self-service machine fault"),
                    ("YH-E02", "营业环境", "Branch environment"),
                ],
            ),
            (
                "YH-F",
                "信息安全与隐私",
                "Data and privacy",
                [
                    ("YH-F01", "个人信息泄露", "Personal data leak"),
                ],
            ),
        ],
    ),
    "car_dealer": (
        "汽车4S店",
        [
            (
                "QC-A",
                "销售服务",
                "Sales",
                [
                    ("QC-A01", "销售承诺未兑现", "Sales promise broken"),
                    ("QC-A02", "交车延误", "Late delivery"),
                    ("QC-A03", "加价与捆绑销售", "Mark-ups and bundling"),
                ],
            ),
            (
                "QC-B",
                "维修保养质量",
                "Repair and maintenance",
                [
                    ("QC-B01", "维修质量差、返修", "Poor repair, repeat repair"),
                    ("QC-B02", "维修周期长", "Long repair time"),
                    ("QC-B03", "配件质量与供应", "Parts quality and supply"),
                ],
            ),
            (
                "QC-C",
                "收费",
                "Charges",
                [
                    ("QC-C01", "维修收费不透明", "Opaque repair bill"),
                    ("QC-C02", "保险理赔纠纷", "Insurance claim dispute"),
                ],
            ),
            ("QC-D", "服务态度", "Attitude", [("QC-D01", "接待态度", "Reception manner")]),
            (
                "QC-E",
                "车辆质量",
                "Vehicle quality",
                [
                    ("QC-E01", "新车质量问题", "New car defect"),
                    ("QC-E02", "三包与召回", "Warranty and recall"),
                ],
            ),
        ],
    ),
    "lab": (
        "检验检测机构",
        [
            (
                "JC-A",
                "检测结果异议",
                "Disputed result",
                [
                    ("JC-A01", "检测数据与结论异议", "Data or conclusion disputed"),
                    ("JC-A02", "申请复检", "Retest requested"),
                ],
            ),
            ("JC-B", "检测周期", "Turnaround", [("JC-B01", "报告延期", "Late report")]),
            (
                "JC-C",
                "报告与证书",
                "Reports",
                [
                    ("JC-C01", "报告信息错误", "Error in the report"),
                    ("JC-C02", "报告丢失或未送达", "Report lost or not delivered"),
                ],
            ),
            (
                "JC-D",
                "样品管理",
                "Samples",
                [("JC-D01", "样品损坏或丢失", "Sample damaged or lost")],
            ),
            ("JC-E", "收费", "Fees", [("JC-E01", "检测收费", "Testing fee")]),
            (
                "JC-F",
                "服务态度与保密",
                "Service and confidentiality",
                [
                    ("JC-F01", "服务态度", "Attitude"),
                    ("JC-F02", "泄露客户信息", "Client data disclosed"),
                ],
            ),
        ],
    ),
    "tobacco": (
        "卷烟营销",
        [
            (
                "YC-A",
                "卷烟商品",
                "Cigarette goods",
                [
                    ("YC-A01", "商品质量问题", "Product quality"),
                    ("YC-A02", "货源分配", "Allocation of supply"),
                ],
            ),
            (
                "YC-B",
                "订货服务",
                "Ordering",
                [
                    ("YC-B01", "订货系统与电话订货", "Ordering system or phone orders"),
                    ("YC-B02", "订单差错", "Order error"),
                ],
            ),
            (
                "YC-C",
                "配送服务",
                "Delivery",
                [
                    ("YC-C01", "配送延误", "Late delivery"),
                    ("YC-C02", "到货破损、短少", "Damaged or short delivery"),
                ],
            ),
            (
                "YC-D",
                "价格与结算",
                "Prices and settlement",
                [("YC-D01", "价格与结算", "Price or settlement")],
            ),
            (
                "YC-E",
                "客户经理服务",
                "Account manager",
                [
                    ("YC-E01", "服务态度", "Attitude"),
                    ("YC-E02", "拜访不到位", "Visits missed"),
                ],
            ),
        ],
    ),
}
