-- Changchun's county-level units and zones (县（市）区、开发区), from the
-- statistical division codes of 2023 (国家统计局 统计用区划代码). Zones without a
-- statistical code get a local code starting with 'X'. Kept as data: an
-- administrator may add or rename units with a later migration.
INSERT INTO districts (code, name, kind, has_stat_code, sort) VALUES
 ('220102', '南关区', '市辖区', TRUE, 1),
 ('220103', '宽城区', '市辖区', TRUE, 2),
 ('220104', '朝阳区', '市辖区', TRUE, 3),
 ('220105', '二道区', '市辖区', TRUE, 4),
 ('220106', '绿园区', '市辖区', TRUE, 5),
 ('220112', '双阳区', '市辖区', TRUE, 6),
 ('220113', '九台区', '市辖区', TRUE, 7),
 ('220122', '农安县', '县', TRUE, 8),
 ('220182', '榆树市', '县级市', TRUE, 9),
 ('220183', '德惠市', '县级市', TRUE, 10),
 ('220184', '公主岭市', '县级市', TRUE, 11),
 ('220171', '长春经济技术开发区', '开发区', TRUE, 12),
 ('220172', '长春净月高新技术产业开发区', '开发区', TRUE, 13),
 ('220173', '长春高新技术产业开发区', '开发区', TRUE, 14),
 ('220174', '长春汽车经济技术开发区', '开发区', TRUE, 15),
 ('X22001', '长春新区', '开发区', FALSE, 16),
 ('X22002', '中韩（长春）国际合作示范区', '开发区', FALSE, 17),
 ('X22003', '长春莲花山生态旅游度假区', '开发区', FALSE, 18);
