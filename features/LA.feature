# language: zh-CN
功能: 三区三线(LA)
  把三区三线作为不可逾越的红线:禁止开发基本农田,严禁占用基本草原,
  在农畜产品主产区和重点生态功能区禁止开展大规模高强度工业化城市化开发。

  场景: 占用永久基本农田,不予通过
    假如 一个新建数据中心
    而且 项目申报如下:
      | 键路径                               | 值   |
      | land.permanent_basic_farmland_ha  | 1.5 |
    当 审查
    那么 规则 LA-001 的结论是 不通过
    而且 审查结论是 不予通过

  场景: 占用基本草原,不予通过
    假如 一个新建风电项目
    而且 项目申报如下:
      | 键路径                      | 值  |
      | land.basic_grassland_ha  | 3 |
    当 审查
    那么 规则 LA-002 的结论是 不通过

  场景: 用地进入生态保护红线,不予通过
    假如 一个新建井工煤矿
    而且 项目申报如下:
      | 键路径                         | 值   |
      | land.ecological_red_line_ha  | 12 |
    当 审查
    那么 规则 LA-003 的结论是 不通过

  场景: 煤矿位于重点生态功能区且占地120公顷,属大规模工业开发,不予通过
    假如 一个新建井工煤矿
    而且 项目申报如下:
      | 键路径                     | 值          |
      | land.main_function_zone  | ecological |
    当 审查
    那么 规则 LA-004 的结论是 不通过

  场景: 沙漠光伏虽在生态功能区,可再生能源发电不属于工业开发
    假如 一个新建沙漠光伏项目
    当 审查
    那么 规则 LA-004 的结论是 不适用

  场景: 未申报行业代码、也未申报产品,无从判断是否属于工业开发,不猜测而是要求补充
    假如 一个新建电石项目
    而且 项目申报如下:
      | 键路径                     | 值          |
      | land.main_function_zone  | ecological |
      | land.in_industrial_park  | false      |
      | project.industry_code    | (未申报)     |
      | project.products         | (未申报)     |
    当 审查
    那么 规则 LA-004 的结论是 信息不全
    而且 规则 LA-005 的结论是 信息不全

  场景: 未申报行业代码而申报电石产品的,按产品认定为工业开发
    假如 一个新建电石项目
    而且 项目申报如下:
      | 键路径                     | 值          |
      | land.main_function_zone  | ecological |
      | land.in_industrial_park  | false      |
      | project.industry_code    | (未申报)     |
    当 审查
    那么 规则 LA-004 的结论是 不通过

  场景: 未申报行业代码的井工煤矿,按采矿业认定为工业开发
    假如 一个新建井工煤矿
    而且 项目申报如下:
      | 键路径                     | 值          |
      | land.main_function_zone  | ecological |
      | project.industry_code    | (未申报)     |
    当 审查
    那么 规则 LA-004 的结论是 不通过

  场景: 新建化工项目不在园区内,不予通过
    假如 一个新建电石项目
    而且 项目申报如下:
      | 键路径                    | 值     |
      | land.in_industrial_park | false |
    当 审查
    那么 规则 LA-005 的结论是 不通过

  场景: 铁合金项目不在园区内,提示警告
    假如 一个硅锰合金扩建项目
    而且 项目申报如下:
      | 键路径                    | 值     |
      | land.in_industrial_park | false |
    当 审查
    那么 规则 LA-005 的结论是 警告
