#!/usr/bin/env python3
"""Writes a sampling-results import file (the columns of the public notices, Chinese headers) with
Python's own csv writer and codecs (not our code). Called by tests/e2e/public/sampling_test.cpp
with dates relative to the test clock:

  make_sampling_csv.py OUT ENCODING PREFIX USCC ANNOUNCED PRODUCED LOT [BAD]

Two data rows (sample numbers PREFIX-1, PREFIX-2): row 2 of the file fails (不合格, 腐霉利) for
the producer USCC with lot code LOT; row 3 passes (合格). With BAD=1, row 2's 结论 is "不详"
and row 3's 公告日期 is "明天" (both refused)."""
import csv
import sys

HEADER = ["抽样编号", "公告号", "公告日期", "被抽样单位名称", "被抽样单位所在省份", "标称生产企业名称",
          "标称生产企业统一社会信用代码", "标称生产企业地址", "食品名称", "规格型号", "生产日期", "批号",
          "不合格项目", "检验结果", "标准值", "结论", "食品大类", "食品细类", "任务来源", "检验机构"]
OUT, ENCODING, PREFIX, USCC, ANNOUNCED, PRODUCED, LOT = sys.argv[1:8]
BAD = len(sys.argv) > 8 and sys.argv[8] == "1"

with open(OUT, "w", encoding=ENCODING, newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerow([f"{PREFIX}-1", "2026年第48期", ANNOUNCED, "深圳市福田区鲜果超市", "广东省深圳市",
                "东莞市鲜达农产品加工有限公司", USCC, "广东省东莞市", "净菜菜心", "500g/袋", PRODUCED, LOT,
                "腐霉利；毒死蜱", "0.52mg/kg；0.08mg/kg", "≤0.2mg/kg；≤0.05mg/kg", "不详" if BAD else "不合格",
                "蔬菜", "叶菜类蔬菜", "广东省市场监督管理局", "广东省食品检验所（广东省酒类检测中心）"])
    w.writerow([f"{PREFIX}-2", "2026年第48期", "明天" if BAD else ANNOUNCED, "广州市天河区惠民生鲜店",
                "广东省广州市", "博罗县绿源菜心种植专业合作社", "", "广东省惠州市博罗县", "菜心", "散装",
                PRODUCED, "", "", "", "", "合格", "蔬菜", "叶菜类蔬菜", "广东省市场监督管理局",
                "广州检验检测认证集团有限公司"])
